package gen

import (
	"strings"
	"unicode"
)

// initialisms are written in upper case inside Go names, as golint does.
var initialisms = map[string]bool{
	"ACL": true, "API": true, "ASCII": true, "CPU": true, "CSS": true, "CSV": true,
	"DNS": true, "EOF": true, "GUID": true, "HTML": true, "HTTP": true,
	"HTTPS": true, "ID": true, "IP": true, "JSON": true, "PDF": true, "RAM": true,
	"RPC": true, "SLA": true, "SMS": true, "SMTP": true, "SQL": true, "SSH": true,
	"SSO": true, "TCP": true, "TLS": true, "TTL": true, "UDP": true, "UI": true,
	"UID": true, "UTC": true, "UUID": true, "URI": true, "URL": true, "UTF8": true,
	"VM": true, "XML": true, "XSRF": true, "XSS": true,
}

// words splits a wire name into words: at every character that is not a
// letter or digit, and where a lower-case letter or digit is followed by an
// upper-case one ("runbookId" -> "runbook", "Id").
func words(s string) []string {
	var out []string
	var cur []rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, string(cur))
			cur = cur[:0]
		}
	}
	rs := []rune(s)
	for i, r := range rs {
		if !isAlnum(r) {
			flush()
			continue
		}
		if unicode.IsUpper(r) && i > 0 && (unicode.IsLower(rs[i-1]) || unicode.IsDigit(rs[i-1])) {
			flush()
		}
		cur = append(cur, r)
	}
	flush()
	return out
}

func isAlnum(r rune) bool {
	return r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r))
}

// GoName turns a wire name (property, parameter, schema) into an exported
// Go identifier: CamelCase with Go initialisms ("ticket_id" -> "TicketID").
// A name that would start with a digit gets the prefix "N"
// ("2faemailallowed" -> "N2faemailallowed").
func GoName(wire string) string {
	var b strings.Builder
	for _, w := range words(wire) {
		if up := strings.ToUpper(w); initialisms[up] {
			b.WriteString(up)
			continue
		}
		b.WriteString(strings.ToUpper(w[:1]))
		b.WriteString(w[1:])
	}
	name := b.String()
	switch {
	case name == "":
		return "X"
	case name[0] >= '0' && name[0] <= '9':
		return "N" + name
	}
	return name
}

// upperFirst upper-cases the first letter and drops every character that is
// not an ASCII letter or digit: the rule for section fields and method path
// segments ("azureadconnection" -> "Azureadconnection",
// "create-webhook" -> "Createwebhook").
func upperFirst(s string) string {
	var b strings.Builder
	for _, r := range s {
		if isAlnum(r) {
			b.WriteRune(r)
		}
	}
	out := b.String()
	if out == "" {
		return ""
	}
	return strings.ToUpper(out[:1]) + out[1:]
}

// uniqueNamer hands out names that do not collide, deterministically: the
// first claim of a name gets it as is, later ones get a numeric suffix.
type uniqueNamer struct {
	taken map[string]string // name -> what claimed it
}

func newUniqueNamer(reserved ...string) *uniqueNamer {
	u := &uniqueNamer{taken: map[string]string{}}
	for _, r := range reserved {
		u.taken[r] = "(reserved)"
	}
	return u
}

// claim returns name, or name2, name3... if taken. It reports the renaming
// through the returned bool.
func (u *uniqueNamer) claim(name, owner string) (string, bool) {
	if _, ok := u.taken[name]; !ok {
		u.taken[name] = owner
		return name, false
	}
	for i := 2; ; i++ {
		n := name + itoa(i)
		if _, ok := u.taken[n]; !ok {
			u.taken[n] = owner
			return n, true
		}
	}
}

func itoa(i int) string {
	const digits = "0123456789"
	if i < 10 {
		return digits[i : i+1]
	}
	return itoa(i/10) + digits[i%10:i%10+1]
}

// cleanDoc turns a spec description into comment text: Halo's descriptions
// carry "<br>", CRLFs and tabs.
func cleanDoc(s string) string {
	r := strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "\r", "", "\t", " ")
	s = r.Replace(s)
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		l = strings.Join(strings.Fields(l), " ")
		if l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}
