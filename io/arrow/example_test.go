package arrow_test

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	arrowio "github.com/tesseradata/tessera/io/arrow"
	"github.com/tesseradata/tessera/labels"
	"github.com/tesseradata/tessera/labels/cftime"
)

// Example exports a dataset of two monthly steps in the 360_day calendar
// (dates as strings), two latitudes, a 2 m temperature with a missing
// value and an orography broadcast over time, in batches of two rows.
func Example() {
	dates := []cftime.Date{{Year: 2000, Month: 1, Day: 16}, {Year: 2000, Month: 2, Day: 16}}
	tv, _ := labels.TimeVariable("time", dates, "days since 2000-01-01", "360_day")
	lat, _ := labels.FromSlice([]string{"lat"}, []float64{10, 20}, nil)
	t2m, _ := labels.FromSlice([]string{"time", "lat"}, []float32{280, 281.5, float32(math.NaN()), 283}, labels.Attrs{{Name: "units", Value: "K"}}, 2, 2)
	orog, _ := labels.FromSlice([]string{"lat"}, []int16{120, 450}, labels.Attrs{{Name: "units", Value: "m"}})
	ds, _ := labels.NewDataset(labels.Vars{{Name: "t2m", Var: t2m}, {Name: "orog", Var: orog}},
		labels.Vars{{Name: "time", Var: tv}, {Name: "lat", Var: lat}}, labels.Attrs{{Name: "title", Value: "example"}})

	schema, err := arrowio.Schema(ds, arrowio.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("global:", schema.Metadata())
	for _, f := range schema.Fields() {
		fmt.Printf("%s: %s %v\n", f.Name, f.Type, f.Metadata)
	}
	err = arrowio.Batches(context.Background(), ds, arrowio.Options{BatchRows: 2}, func(rec arrow.RecordBatch) error {
		fmt.Printf("batch of %d rows\n", rec.NumRows())
		for r := range int(rec.NumRows()) {
			row := make([]string, rec.NumCols())
			for c, col := range rec.Columns() {
				row[c] = col.ValueStr(r)
			}
			fmt.Println(strings.Join(row, " | "))
		}
		return nil
	})
	if err != nil {
		fmt.Println(err)
	}
	// Output:
	// global: ["title": "example"]
	// time: utf8 ["calendar": "360_day"]
	// lat: float64 []
	// t2m: float32 ["units": "K"]
	// orog: int16 ["units": "m"]
	// batch of 2 rows
	// 2000-01-16 00:00:00 | 10 | 280 | 120
	// 2000-01-16 00:00:00 | 20 | 281.5 | 450
	// batch of 2 rows
	// 2000-02-16 00:00:00 | 10 | NaN | 120
	// 2000-02-16 00:00:00 | 20 | 283 | 450
}
