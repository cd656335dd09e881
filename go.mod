module github.com/tesseradata/tessera

go 1.26

require (
	github.com/dgraph-io/ristretto/v2 v2.4.2
	gonum.org/v1/gonum v0.17.0
)

require (
	github.com/cespare/xxhash/v2 v2.3.0 // indirect
	github.com/dustin/go-humanize v1.0.1 // indirect
	golang.org/x/sys v0.36.0 // indirect
)
