package tessera_test

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

// layers is the dependency policy of the repository (docs/ARCHITECTURE.md,
// "Layers"), stated as a test in the manner of go/build's deps_test.go.
// A package belongs to the component named by the start of its path
// within the module (its subpackages, internal ones included, belong to
// it too). A package may import packages of its own component and of
// components of a lower rank; never one of the same rank or above. Ranks
// are ordered as the layers are: ndarray and graph (which knows nothing of
// arrays) at the bottom, the command, benchmarks, examples and notebooks
// at the top.
var layers = map[string]int{
	"internal":  -1, // internal/mem: buffers for every layer; imports none
	"ndarray":   0,
	"graph":     0,
	"scheduler": 1,
	"chunk":     2,
	"labels":    3,
	"groupby":   4,
	"io/netcdf": 5,
	"io/arrow":  5,
	"cmd":       6,
	"bench":     6,
	"examples":  6,
	"notebooks": 6,
	"(root)":    6,
}

// thirdParty confines heavy or cgo dependencies to the components that
// own them, so that everything else builds without C and without them.
var thirdParty = map[string][]string{
	"github.com/fhs/go-netcdf":       {"io/netcdf"},
	"github.com/apache/arrow-go":     {"io/arrow"},
	"github.com/dgraph-io/ristretto": {"scheduler"},
	"github.com/vbauerster/mpb":      {"cmd"},
	"gonum.org/v1/plot":              {"bench", "notebooks", "examples"},
	"github.com/janpfeifer/gonb":     {"notebooks"},
	"gonum.org/v1/gonum":             {"ndarray", "graph", "scheduler", "chunk", "labels", "groupby", "io/netcdf", "io/arrow", "cmd", "bench", "examples", "notebooks"},
}

const module = "github.com/tesseradata/tessera"

// component returns the component of a package path inside the module.
func component(path string) string {
	rel := strings.TrimPrefix(path, module)
	rel = strings.TrimPrefix(rel, "/")
	if rel == "" {
		return "(root)"
	}
	parts := strings.Split(rel, "/")
	if parts[0] == "io" && len(parts) > 1 {
		return "io/" + parts[1]
	}
	return parts[0]
}

func TestDependencyLayers(t *testing.T) {
	cmd := exec.Command("go", "list", "-test", "-json=ImportPath,Imports,TestImports,XTestImports", "./...")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	type pkg struct {
		ImportPath                         string
		Imports, TestImports, XTestImports []string
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := map[string]bool{}
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		// go list -test also lists test variants ("p [p.test]"); the
		// package itself carries the test imports.
		if strings.Contains(p.ImportPath, " ") || strings.HasSuffix(p.ImportPath, ".test") || seen[p.ImportPath] {
			continue
		}
		seen[p.ImportPath] = true
		from := component(p.ImportPath)
		rank, ok := layers[from]
		if !ok {
			t.Errorf("package %s: component %q has no layer in deps_test.go; add it to the policy", p.ImportPath, from)
			continue
		}
		// Test files may import anything below them and, for external
		// tests, testing helpers of their own component.
		for _, imp := range append(append(append([]string(nil), p.Imports...), p.TestImports...), p.XTestImports...) {
			if strings.HasPrefix(imp, module+"/") || imp == module {
				to := component(imp)
				if to == from {
					continue
				}
				if r, ok := layers[to]; !ok || r >= rank {
					t.Errorf("%s imports %s: %s (layer %d) may not import %s (layer %d)", p.ImportPath, imp, from, rank, to, layers[to])
				}
				continue
			}
			for prefix, allowed := range thirdParty {
				if !strings.HasPrefix(imp, prefix) {
					continue
				}
				okHere := false
				for _, a := range allowed {
					if a == from {
						okHere = true
					}
				}
				if !okHere {
					t.Errorf("%s imports %s, which only %v may use", p.ImportPath, imp, allowed)
				}
			}
		}
	}
	if !seen[module+"/ndarray"] {
		t.Fatalf("go list did not report the ndarray package; is the test running from the module root?")
	}
}

func TestComponent(t *testing.T) {
	for path, want := range map[string]string{
		module:                                "(root)",
		module + "/ndarray":                   "ndarray",
		module + "/ndarray/internal/kernel":   "ndarray",
		module + "/io/netcdf":                 "io/netcdf",
		module + "/cmd/tessera":               "cmd",
		module + "/bench/gen":                 "bench",
		module + "/scheduler/internal/worker": "scheduler",
		module + "/internal/mem":              "internal",
	} {
		if got := component(path); got != want {
			t.Errorf("component(%q) = %q, want %q", path, got, want)
		}
	}
}
