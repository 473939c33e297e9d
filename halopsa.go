// Package halopsa is a client for the HaloPSA, HaloITSM and HaloCRM REST
// API, generated from Halo's own OpenAPI spec.
//
//	halo, err := halopsa.New(halopsa.Config{
//		CompanyURL:   "https://yourcompany.halopsa.com",
//		ClientID:     os.Getenv("HALO_API_CLIENT_ID"),
//		ClientSecret: os.Getenv("HALO_API_CLIENT_SECRET"),
//	})
//	t, err := halo.Tickets.GetTicketsByID(ctx, halopsa.GetTicketsByIDParams{ID: 12345})
//	fmt.Println(t.GetSummary())
//
// # Where things are
//
// Halo's API names records after its database (a ticket is Faults, a
// client Area), so the records people use have aliases in Halo's UI words.
// The sections integrations use most:
//
//	Halo's UI         Client field         Record (Halo's schema)            Listing every record
//	Tickets           halo.Tickets         Ticket (Faults)                   GetTicketsAll, yields TicketListItem
//	Actions           halo.Actions         Action (Actions)                  GetActions, returns *ActionsView
//	Clients           halo.Client          Customer (Area)                   GetClientAll, yields Customer
//	Sites             halo.Site            Site (Site)                       GetSiteAll, yields SiteList
//	Users             halo.Users           User (Users)                      GetUsersAll, yields UserListItem
//	Agents            halo.Agent           Agent (Uname)                     GetAgent, returns []AgentListItem
//	Teams             halo.Team            Team (SectionDetail)              GetTeam, returns []TeamListItem
//	Assets            halo.Asset           Asset (Device)                    GetAssetAll, yields AssetListItem
//	Statuses          halo.Status          Status (TStatus)                  GetStatus, returns []Status
//	Priorities        halo.Priority        Priority (Policy)                 GetPriority, returns []Priority
//	Ticket types      halo.TicketType      TicketType (RequestType)          GetTicketType, returns []TicketTypeListItem
//	Outcomes          halo.Outcome         Outcome (TOutcome)                GetOutcome, returns *List[Outcome]
//	Knowledge base    halo.KBArticle       KBArticle (KBEntry)               GetKBArticleAll, yields KBArticleListItem
//	Invoices          halo.Invoice         Invoice (InvoiceHeader)           GetInvoiceAll, yields Invoice
//	Quotes            halo.Quotation       Quote (QuotationHeader)           GetQuotationAll, yields Quote
//	Client contracts  halo.ClientContract  ClientContract (ContractHeader)   GetClientContractAll, yields ClientContractListItem
//	Opportunities     halo.Opportunities   Opportunity (Faults)              GetOpportunitiesAll, yields TicketListItem
//	Projects          halo.Projects        Project (Faults)                  GetProjectsAll, yields TicketListItem
//	Appointments      halo.Appointment     Appointment (Appointment)         GetAppointmentAll, yields AppointmentList
//	Attachments       halo.Attachment      Attachment (Attachment)           GetAttachment, returns *AttachmentView
//
// Every section of the API is a field of Client, and every operation a
// method named after its HTTP method and path (GET /Tickets/{id} is
// GetTicketsByID). Each method takes a context and a params struct, and
// returns the decoded response and an error. Paged lists have an iterator,
// the list method with All appended, that walks every page.
//
// Optional fields are pointers: a field you do not set is not sent, which
// matters because Halo's POST updates every field present in the body. Ptr
// makes pointers to literals; every pointer field has a nil-safe getter
// (t.GetSummary() is "" when t or its Summary is nil).
//
// Nested records are typed, except where a record's type can contain
// itself and reaches many others (a Device's child devices, for one): such
// fields are Lazy or LazyList, which keep the JSON and decode it when Get
// is called, so that a program does not link every record type Halo's
// schemas can reach.
//
// Package halopsatest is a fake Halo tenant for tests, demos and the
// examples below.
package halopsa

//go:generate go run ./cmd/halopsa-gen -out . -overlay internal/gen/overlay.json

// Ptr returns a pointer to v, for optional fields and parameters:
// halopsa.Ptr(10), halopsa.Ptr("Printer offline").
func Ptr[T any](v T) *T { return &v }
