module github.com/halopsa-go/halopsa

go 1.26.0

require golang.org/x/oauth2 v0.38.0

require (
	github.com/google/go-cmp v0.7.0
	golang.org/x/mod v0.42.0 // indirect
	golang.org/x/sync v0.24.0 // indirect
	golang.org/x/tools v0.52.0
)
