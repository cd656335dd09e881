package groupby_test

import (
	"testing"

	"github.com/tesseradata/tessera/groupby"
)

func fm(i int) float64 { return float64(i + 1) }

// TestSeasmeanFM is SEASONAL.md §2's example FM: 13 per-year seasons
// with CDO's stamps and bounds.
func TestSeasmeanFM(t *testing.T) {
	ds := monthly(t, "standard", 2000, 1, 36, 2, fm, 5)
	g, err := groupby.Dataset(ds, groupby.Resample("time", "QS-DEC"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := g.Mean()
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "FM seasmean", column(values(t, r, "tas"), 2, 0),
		[]float64{1.5, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 36}, 1e-12)
	checkClose(t, "FM seasmean point 1", column(values(t, r, "tas"), 2, 1),
		[]float64{2.5, 5, 8, 11, 14, 17, 20, 23, 26, 29, 32, 35, 37}, 1e-12)
	checkClose(t, "FM seasmean time", values(t, r, "time"),
		[]float64{30.5, 106, 197.5, 289.5, 381.5, 471, 562.5, 654.5, 746.5, 836, 927.5, 1019.5, 1080.5}, 0)
	b := values(t, r, "time_bnds")
	checkClose(t, "FM seasmean bounds", []float64{b[0], b[1], b[2], b[3], b[8], b[9], b[24], b[25]},
		[]float64{0, 60, 60, 152, 335, 425, 1065, 1096}, 0)
}

// TestYseasFM is SEASONAL.md §3's climatology examples.
func TestYseasFM(t *testing.T) {
	ds := monthly(t, "standard", 2000, 1, 36, 1, fm, 7)
	g, err := groupby.Dataset(ds, groupby.By("time.season"))
	if err != nil {
		t.Fatal(err)
	}
	m, err := g.Mean()
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "FM yseasmean (DJF MAM JJA SON)", values(t, m, "tas"), []float64{17, 16, 19, 22}, 1e-12)
	s, err := g.Std()
	if err != nil {
		t.Fatal(err)
	}
	checkClose(t, "FM yseasstd", values(t, s, "tas"), []float64{10.98484, 9.831921, 9.831921, 9.831921}, 1e-6)
}
