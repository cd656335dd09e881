package labels

import (
	"fmt"
	"slices"
)

// Named is a variable with its name, for building datasets and arrays.
type Named struct {
	Name string
	Var  *Variable
}

// Vars is an ordered list of named variables.
type Vars []Named

// coords is an ordered set of coordinate variables and the indexes of
// the dimension coordinates among them (those named as their only
// dimension).
type coords struct {
	names []string
	vars  map[string]*Variable
	index map[string]Index
}

func newCoords() coords {
	return coords{vars: map[string]*Variable{}, index: map[string]Index{}}
}

// add adds a coordinate, building its index if it is a dimension
// coordinate.
func (c *coords) add(name string, v *Variable) error {
	if _, dup := c.vars[name]; dup {
		return fmt.Errorf("labels: coordinate %q given twice: %w", name, ErrDims)
	}
	c.names = append(c.names, name)
	c.vars[name] = v
	if len(v.dims) == 1 && v.dims[0] == name {
		x, err := buildIndex(name, v)
		if err != nil {
			return err
		}
		c.index[name] = x
	}
	return nil
}

// buildIndex builds the index of dimension coordinate name from its
// values, which must be in memory.
func buildIndex(name string, v *Variable) (Index, error) {
	mem, ok := v.Loaded()
	if !ok {
		return nil, fmt.Errorf("labels: coordinate %q: values must be in memory to index it (compute it first): %w", name, ErrNotLoaded)
	}
	if isTime(v) {
		return newTimeIndex(name, v)
	}
	if strs, ok := v.Strings(); ok {
		return NewStringIndex(strs), nil
	}
	x, err := indexFromValues(mem)
	if err != nil {
		return nil, fmt.Errorf("labels: coordinate %q: %w", name, err)
	}
	return x, nil
}

// clone returns a shallow copy that can be changed independently.
func (c coords) clone() coords {
	d := coords{names: slices.Clone(c.names), vars: make(map[string]*Variable, len(c.vars)), index: make(map[string]Index, len(c.index))}
	for k, v := range c.vars {
		d.vars[k] = v
	}
	for k, v := range c.index {
		d.index[k] = v
	}
	return d
}

// keepDims returns the coordinates whose dimensions are all in dims.
func (c coords) keepDims(dims []string) coords {
	d := newCoords()
	for _, n := range c.names {
		v := c.vars[n]
		ok := true
		for _, vd := range v.dims {
			ok = ok && slices.Contains(dims, vd)
		}
		if ok {
			d.names = append(d.names, n)
			d.vars[n] = v
			if x, has := c.index[n]; has {
				d.index[n] = x
			}
		}
	}
	return d
}

// isel applies positional selections to every coordinate and index.
func (c coords) isel(sel map[string]positional) (coords, error) {
	d := newCoords()
	for _, n := range c.names {
		v := c.vars[n]
		relevant := false
		for _, vd := range v.dims {
			_, has := sel[vd]
			relevant = relevant || has
		}
		if !relevant {
			d.names = append(d.names, n)
			d.vars[n] = v
			if x, has := c.index[n]; has {
				d.index[n] = x
			}
			continue
		}
		w, err := v.isel(sel)
		if err != nil {
			return coords{}, fmt.Errorf("labels: coordinate %q: %w", n, err)
		}
		d.names = append(d.names, n)
		d.vars[n] = w
		if x, has := c.index[n]; has && len(w.dims) == 1 {
			d.index[n] = x.isel(sel[n])
		}
	}
	return d, nil
}
