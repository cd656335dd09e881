package arrow_test

import (
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	arrowio "github.com/tesseradata/tessera/io/arrow"
	"github.com/tesseradata/tessera/labels"
)

// jsDir holds the JavaScript reader: package.json pins the apache-arrow
// package, which `make deps` installs into jsDir/node_modules.
const jsDir = "testdata/js"

// needNode returns the path of node, failing the test when node or the
// apache-arrow package is missing, or skipping it when
// TESSERA_SKIP_ORACLES=1: a missing oracle is a failure, not a skip.
func needNode(t *testing.T) string {
	t.Helper()
	if os.Getenv("TESSERA_SKIP_ORACLES") == "1" {
		t.Skip("TESSERA_SKIP_ORACLES=1")
	}
	node, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("the JavaScript Arrow reader needs Node.js: %v\nrun `make deps`, or set TESSERA_SKIP_ORACLES=1 to skip", err)
	}
	if _, err := os.Stat(filepath.Join(jsDir, "node_modules", "apache-arrow", "package.json")); err != nil {
		t.Fatalf("the npm package apache-arrow is not installed in %s: %v\nrun `make deps` (npm install --prefix io/arrow/testdata/js), or set TESSERA_SKIP_ORACLES=1 to skip", jsDir, err)
	}
	return node
}

// jsTable is what read.mjs prints.
type jsTable struct {
	Batches  []int
	Metadata map[string]string
	Fields   []struct {
		Name, Type string
		Nullable   bool
		Metadata   map[string]string
	}
	Columns map[string][]any
}

// jsTypes are the names apache-arrow gives the Arrow types (by
// arrow-go's names).
var jsTypes = map[string]string{
	"timestamp[us, tz=UTC]": "Timestamp<MICROSECOND, UTC>",
	"float32":               "Float32",
	"float64":               "Float64",
	"int16":                 "Int16",
	"int32":                 "Int32",
	"int64":                 "Int64",
	"uint16":                "Uint16",
	"bool":                  "Bool",
	"utf8":                  "Utf8",
}

// jsValue returns the JSON value read.mjs prints for a Go value of the
// expected table: numbers widened to float64 as JavaScript numbers are,
// 64-bit integers and timestamps as decimal strings, NaN as "NaN".
func jsValue(v any) any {
	switch x := v.(type) {
	case float32:
		return jsValue(float64(x))
	case float64:
		if math.IsNaN(x) {
			return "NaN"
		}
		return x
	case int16:
		return float64(x)
	case int32:
		return float64(x)
	case uint16:
		return float64(x)
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return v
}

// TestJavaScriptReader writes Arrow IPC files and reads them back with a
// reader not written in Go, the apache-arrow npm package under Node.js:
// every value, type, batch and metadata entry must agree.
func TestJavaScriptReader(t *testing.T) {
	node := needNode(t)
	for _, tc := range []struct {
		name    string
		build   func(testing.TB) (*labels.Dataset, *table)
		batches []int
	}{
		{"small", small, []int{8, 8, 8}},
		{"time nulls", timeNulls, []int{3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ds, want := tc.build(t)
			path := filepath.Join(t.TempDir(), "table.arrow")
			if err := arrowio.WriteIPCFile(t.Context(), path, ds, arrowio.Options{BatchRows: 8, Allocator: newMem(t)}); err != nil {
				t.Fatal(err)
			}
			cmd := exec.CommandContext(t.Context(), node, filepath.Join(jsDir, "read.mjs"), path)
			out, err := cmd.Output()
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				t.Fatalf("node read.mjs: %v\n%s", err, ee.Stderr)
			} else if err != nil {
				t.Fatalf("node read.mjs: %v", err)
			}
			var got jsTable
			if err := json.Unmarshal(out, &got); err != nil {
				t.Fatalf("read.mjs printed %q: %v", out, err)
			}
			if len(got.Batches) != len(tc.batches) {
				t.Errorf("JavaScript read batches of %v rows, want %v", got.Batches, tc.batches)
			} else {
				for i := range got.Batches {
					if got.Batches[i] != tc.batches[i] {
						t.Errorf("JavaScript read batches of %v rows, want %v", got.Batches, tc.batches)
						break
					}
				}
			}
			if !sameStrings(got.Metadata, want.global) {
				t.Errorf("schema metadata %v, want %v", got.Metadata, want.global)
			}
			if len(got.Fields) != len(want.names) {
				t.Fatalf("JavaScript read %d fields, want %d (%q)", len(got.Fields), len(want.names), want.names)
			}
			for i, f := range got.Fields {
				n := want.names[i]
				if f.Name != n {
					t.Errorf("field %d is %q, want %q", i, f.Name, n)
					continue
				}
				if f.Type != jsTypes[want.types[n]] {
					t.Errorf("column %q has JavaScript type %s, want %s", n, f.Type, jsTypes[want.types[n]])
				}
				if !sameStrings(f.Metadata, want.meta[n]) {
					t.Errorf("column %q has metadata %v, want %v", n, f.Metadata, want.meta[n])
				}
				vals, w := got.Columns[n], want.cols[n]
				if len(vals) != len(w) {
					t.Errorf("column %q has %d values, want %d", n, len(vals), len(w))
					continue
				}
				bad := 0
				for r := range w {
					if jv := jsValue(w[r]); vals[r] != jv {
						if bad++; bad <= 5 {
							t.Errorf("column %q row %d = %v (%T), want %v (%T)", n, r, vals[r], vals[r], jv, jv)
						}
					}
				}
			}
		})
	}
}

func sameStrings(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}
