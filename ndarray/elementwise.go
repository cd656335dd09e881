package ndarray

import (
	"fmt"
	"math"
	"slices"
)

// BinaryOp is an arithmetic or logical operation of two operands.
type BinaryOp uint8

// The binary operations. Div and Pow compute in floating point (integers
// become Float64, as numpy's true division does); Maximum and Minimum
// propagate NaN; And and Or need Bool operands.
const (
	AddOp BinaryOp = iota + 1
	SubOp
	MulOp
	DivOp
	PowOp
	MaximumOp
	MinimumOp
	AndOp
	OrOp
)

var binaryNames = [...]string{AddOp: "add", SubOp: "sub", MulOp: "mul", DivOp: "div", PowOp: "pow",
	MaximumOp: "maximum", MinimumOp: "minimum", AndOp: "and", OrOp: "or"}

func (op BinaryOp) String() string {
	if op >= AddOp && op <= OrOp {
		return binaryNames[op]
	}
	return fmt.Sprintf("BinaryOp(%d)", uint8(op))
}

// CompareOp is a comparison; its result is Bool.
type CompareOp uint8

// The comparisons. Every comparison with NaN is false except NotEqualOp.
const (
	EqualOp CompareOp = iota + 1
	NotEqualOp
	LessOp
	LessEqualOp
	GreaterOp
	GreaterEqualOp
)

var compareNames = [...]string{EqualOp: "equal", NotEqualOp: "not_equal", LessOp: "less",
	LessEqualOp: "less_equal", GreaterOp: "greater", GreaterEqualOp: "greater_equal"}

func (op CompareOp) String() string {
	if op >= EqualOp && op <= GreaterEqualOp {
		return compareNames[op]
	}
	return fmt.Sprintf("CompareOp(%d)", uint8(op))
}

// UnaryOp is an elementwise function of one operand.
type UnaryOp uint8

// The unary operations. Sqrt, Exp and Log compute in floating point
// (integers become Float64); IsNaN and IsFinite return Bool; Not needs Bool.
const (
	AbsOp UnaryOp = iota + 1
	NegOp
	SqrtOp
	ExpOp
	LogOp
	IsNaNOp
	IsFiniteOp
	NotOp
)

var unaryNames = [...]string{AbsOp: "abs", NegOp: "neg", SqrtOp: "sqrt", ExpOp: "exp", LogOp: "log",
	IsNaNOp: "isnan", IsFiniteOp: "isfinite", NotOp: "not"}

func (op UnaryOp) String() string {
	if op >= AbsOp && op <= NotOp {
		return unaryNames[op]
	}
	return fmt.Sprintf("UnaryOp(%d)", uint8(op))
}

// Binary returns a op b elementwise, broadcasting a and b against each
// other (numpy's rules) and computing in Promote(a, b) (or its float
// type for Div and Pow). The result is a new contiguous array.
// Integer arithmetic wraps on overflow, as numpy's does.
func Binary(op BinaryOp, a, b *Array) (*Array, error) {
	ct, err := BinaryType(op, a.dtype, b.dtype)
	if err != nil {
		return nil, err
	}
	shape, err := BroadcastShapes(a.shape, b.shape)
	if err != nil {
		return nil, fmt.Errorf("ndarray: %s: %w", op, err)
	}
	dst, err := New(ct, shape...)
	if err != nil {
		return nil, fmt.Errorf("ndarray: %s: %w", op, err)
	}
	if err := binaryInto(op, ct, dst, a, b); err != nil {
		return nil, err
	}
	return dst, nil
}

// BinaryType returns the dtype of a op b for operands of dtypes a and b:
// Promote(a, b), its float type for Div and Pow, Int64 for arithmetic on
// booleans (numpy keeps bool for some operations and refuses others);
// And and Or need booleans.
func BinaryType(op BinaryOp, a, b DType) (DType, error) {
	if op < AddOp || op > OrOp {
		return 0, fmt.Errorf("ndarray: %w: %v", ErrOp, op)
	}
	ct := Promote(a, b)
	switch op {
	case DivOp, PowOp:
		ct = floatOf(ct)
	case AndOp, OrOp:
		if ct != Bool {
			return 0, fmt.Errorf("ndarray: %s of %s and %s: needs bool operands: %w", op, a, b, ErrDType)
		}
	default:
		if ct == Bool {
			ct = Int64
		}
	}
	return ct, nil
}

// BinaryInto computes a op b into dst, which may be a view: a and b
// broadcast to dst's shape, and dst's dtype must be BinaryType's. It
// allocates nothing when a and b already have that dtype.
func BinaryInto(op BinaryOp, dst, a, b *Array) error {
	ct, err := BinaryType(op, a.dtype, b.dtype)
	if err != nil {
		return err
	}
	shape, err := BroadcastShapes(a.shape, b.shape, dst.shape)
	if err != nil || !slices.Equal(shape, dst.shape) {
		return fmt.Errorf("ndarray: %s into %s%v: operands %v and %v: %w", op, dst.dtype, dst.shape, a.shape, b.shape, ErrShape)
	}
	if ct != dst.dtype {
		return fmt.Errorf("ndarray: %s of %s and %s is %s, not %s: %w", op, a.dtype, b.dtype, ct, dst.dtype, ErrDType)
	}
	return binaryInto(op, ct, dst, a, b)
}

// binaryInto computes a op b in ct into dst, whose shape a and b
// broadcast to.
func binaryInto(op BinaryOp, ct DType, dst, a, b *Array) error {
	x, y, err := operands(op.String(), ct, dst.shape, a, b)
	if err != nil {
		return err
	}
	if err := dispatch(ct).binary(op, dst, x, y); err != nil {
		return fmt.Errorf("ndarray: %s of %s and %s: %w", op, a.dtype, b.dtype, err)
	}
	return nil
}

// operands converts each array to dt and broadcasts it to shape.
func operands(name string, dt DType, shape []int, arrs ...*Array) (x, y *Array, err error) {
	out := make([]*Array, len(arrs))
	for i, a := range arrs {
		c, err := a.Astype(dt)
		if err != nil {
			return nil, nil, fmt.Errorf("ndarray: %s: %w", name, err)
		}
		if out[i], err = c.BroadcastTo(shape...); err != nil {
			return nil, nil, fmt.Errorf("ndarray: %s: %w", name, err)
		}
	}
	return out[0], out[len(out)-1], nil
}

// Add returns a + b; see Binary.
func Add(a, b *Array) (*Array, error) { return Binary(AddOp, a, b) }

// Sub returns a - b; see Binary.
func Sub(a, b *Array) (*Array, error) { return Binary(SubOp, a, b) }

// Mul returns a * b; see Binary.
func Mul(a, b *Array) (*Array, error) { return Binary(MulOp, a, b) }

// Div returns a / b in floating point; see Binary.
func Div(a, b *Array) (*Array, error) { return Binary(DivOp, a, b) }

// Maximum returns the elementwise larger of a and b, NaN if either is.
func Maximum(a, b *Array) (*Array, error) { return Binary(MaximumOp, a, b) }

// Minimum returns the elementwise smaller of a and b, NaN if either is.
func Minimum(a, b *Array) (*Array, error) { return Binary(MinimumOp, a, b) }

// scalarFor returns s as a 0-d array of the type it combines with a in:
// a's own type when s is representable in it (an integral s for an
// integer a), otherwise Float64 (a float s with an integer a), following
// numpy's rule for Python scalars (NEP 50).
func scalarFor(a *Array, s float64) (*Array, error) {
	dt := a.dtype
	integral := s == math.Trunc(s) && !math.IsInf(s, 0) // false for NaN
	switch {
	case dt.IsFloat():
	case !integral:
		dt = Float64
	case dt == Bool:
		dt = Int64
	}
	if dt.IsInteger() {
		if lo, hi := limits(dt); s < lo || s >= hi+1 {
			return nil, fmt.Errorf("ndarray: scalar %v does not fit %s: %w", s, dt, ErrRange)
		}
	}
	z := Zeros(dt)
	dispatch(dt).set(z.data, 0, s)
	return z, nil
}

// BinaryScalar returns a op s elementwise; the result has a's dtype when
// s is representable in it (see Binary for Div and Pow).
func BinaryScalar(op BinaryOp, a *Array, s float64) (*Array, error) {
	z, err := scalarFor(a, s)
	if err != nil {
		return nil, err
	}
	return Binary(op, a, z)
}

// ScalarBinary returns s op a elementwise (for example 1 - a).
func ScalarBinary(op BinaryOp, s float64, a *Array) (*Array, error) {
	z, err := scalarFor(a, s)
	if err != nil {
		return nil, err
	}
	return Binary(op, z, a)
}

// Compare returns the Bool array a op b, broadcasting and promoting as
// Binary does.
func Compare(op CompareOp, a, b *Array) (*Array, error) {
	if op < EqualOp || op > GreaterEqualOp {
		return nil, fmt.Errorf("ndarray: %w: %v", ErrOp, op)
	}
	shape, err := BroadcastShapes(a.shape, b.shape)
	if err != nil {
		return nil, fmt.Errorf("ndarray: %s: %w", op, err)
	}
	ct := Promote(a.dtype, b.dtype)
	x, y, err := operands(op.String(), ct, shape, a, b)
	if err != nil {
		return nil, err
	}
	dst, err := New(Bool, shape...)
	if err != nil {
		return nil, fmt.Errorf("ndarray: %s: %w", op, err)
	}
	dispatch(ct).compare(op, dst, x, y)
	return dst, nil
}

// CompareScalar returns the Bool array a op s.
func CompareScalar(op CompareOp, a *Array, s float64) (*Array, error) {
	z, err := scalarFor(a, s)
	if err != nil {
		return nil, err
	}
	return Compare(op, a, z)
}

// Unary returns op applied to every element of a, as a new array.
func Unary(op UnaryOp, a *Array) (*Array, error) {
	if op < AbsOp || op > NotOp {
		return nil, fmt.Errorf("ndarray: %w: %v", ErrOp, op)
	}
	in, out := a.dtype, a.dtype
	switch op {
	case SqrtOp, ExpOp, LogOp:
		in, out = floatOf(in), floatOf(in)
	case IsNaNOp, IsFiniteOp:
		out = Bool
	case NotOp:
		if in != Bool {
			return nil, fmt.Errorf("ndarray: not of %s: needs bool: %w", in, ErrDType)
		}
	case AbsOp, NegOp:
		if in == Bool {
			in, out = Int64, Int64
		}
	}
	if a.dtype == Bool && (op == IsNaNOp || op == IsFiniteOp) {
		in = Uint8
	}
	x, err := a.Astype(in)
	if err != nil {
		return nil, fmt.Errorf("ndarray: %s: %w", op, err)
	}
	dst := Zeros(out, a.shape...)
	if err := dispatch(in).unary(op, dst, x); err != nil {
		return nil, fmt.Errorf("ndarray: %s of %s: %w", op, a.dtype, err)
	}
	return dst, nil
}

// Where returns an array with a's element where cond is true and b's
// elsewhere; the three broadcast together and a, b promote. A cond that
// is not Bool is read as its truth value (nonzero, NaN true).
func Where(cond, a, b *Array) (*Array, error) {
	shape, err := BroadcastShapes(cond.shape, a.shape, b.shape)
	if err != nil {
		return nil, fmt.Errorf("ndarray: where: %w", err)
	}
	c, err := cond.Astype(Bool)
	if err != nil {
		return nil, fmt.Errorf("ndarray: where: %w", err)
	}
	if c, err = c.BroadcastTo(shape...); err != nil {
		return nil, fmt.Errorf("ndarray: where: %w", err)
	}
	ct := Promote(a.dtype, b.dtype)
	x, y, err := operands("where", ct, shape, a, b)
	if err != nil {
		return nil, err
	}
	dst, err := New(ct, shape...)
	if err != nil {
		return nil, fmt.Errorf("ndarray: where: %w", err)
	}
	dispatch(ct).where(dst, c, x, y)
	return dst, nil
}

// rows3 walks dst, a, b together.
func rows3(dst, a, b *Array) (rows, []int) {
	return newRows(dst.shape, dst.strides, a.strides, b.strides), []int{dst.offset, a.offset, b.offset}
}

func (numK[T]) binary(op BinaryOp, dst, a, b *Array) error {
	if op == AndOp || op == OrOp {
		return ErrDType
	}
	d, x, y := dst.data.([]T), a.data.([]T), b.data.([]T)
	r, base := rows3(dst, a, b)
	r.each(base, func(o []int, n int, s []int) {
		binaryRow(op, d, x, y, o[0], o[1], o[2], n, s[0], s[1], s[2])
	})
	return nil
}

// binaryRow computes n elements of d = x op y from the given offsets and
// strides. The common layouts (all contiguous; y a broadcast scalar) get
// their own loops.
func binaryRow[T Number](op BinaryOp, d, x, y []T, i, j, k, n, si, sj, sk int) {
	if si == 1 && sj == 1 && (sk == 1 || sk == 0) {
		dd, xx := d[i:i+n], x[j:j+n]
		if sk == 0 {
			c := y[k]
			switch op {
			case AddOp:
				for t := range dd {
					dd[t] = xx[t] + c
				}
				return
			case SubOp:
				for t := range dd {
					dd[t] = xx[t] - c
				}
				return
			case MulOp:
				for t := range dd {
					dd[t] = xx[t] * c
				}
				return
			case DivOp:
				for t := range dd {
					dd[t] = xx[t] / c
				}
				return
			}
		} else {
			yy := y[k : k+n]
			switch op {
			case AddOp:
				for t := range dd {
					dd[t] = xx[t] + yy[t]
				}
				return
			case SubOp:
				for t := range dd {
					dd[t] = xx[t] - yy[t]
				}
				return
			case MulOp:
				for t := range dd {
					dd[t] = xx[t] * yy[t]
				}
				return
			case DivOp:
				for t := range dd {
					dd[t] = xx[t] / yy[t]
				}
				return
			}
		}
	}
	f := binaryFunc[T](op)
	for range n {
		d[i] = f(x[j], y[k])
		i += si
		j += sj
		k += sk
	}
}

// binaryFunc returns op as a function, for the general strided path.
func binaryFunc[T Number](op BinaryOp) func(a, b T) T {
	switch op {
	case AddOp:
		return func(a, b T) T { return a + b }
	case SubOp:
		return func(a, b T) T { return a - b }
	case MulOp:
		return func(a, b T) T { return a * b }
	case DivOp:
		return func(a, b T) T { return a / b }
	case PowOp:
		return func(a, b T) T { return T(math.Pow(float64(a), float64(b))) }
	case MaximumOp:
		return func(a, b T) T {
			if a != a || a > b {
				return a
			}
			return b
		}
	}
	return func(a, b T) T { // MinimumOp
		if a != a || a < b {
			return a
		}
		return b
	}
}

func (boolK) binary(op BinaryOp, dst, a, b *Array) error {
	d, x, y := dst.data.([]bool), a.data.([]bool), b.data.([]bool)
	and := op == AndOp
	if !and && op != OrOp {
		return ErrDType
	}
	r, base := rows3(dst, a, b)
	r.each(base, func(o []int, n int, s []int) {
		i, j, k := o[0], o[1], o[2]
		for range n {
			if and {
				d[i] = x[j] && y[k]
			} else {
				d[i] = x[j] || y[k]
			}
			i += s[0]
			j += s[1]
			k += s[2]
		}
	})
	return nil
}

func (numK[T]) compare(op CompareOp, dst, a, b *Array) {
	d, x, y := dst.data.([]bool), a.data.([]T), b.data.([]T)
	r, base := rows3(dst, a, b)
	r.each(base, func(o []int, n int, s []int) {
		i, j, k := o[0], o[1], o[2]
		switch op {
		case EqualOp:
			for range n {
				d[i] = x[j] == y[k]
				i, j, k = i+s[0], j+s[1], k+s[2]
			}
		case NotEqualOp:
			for range n {
				d[i] = x[j] != y[k]
				i, j, k = i+s[0], j+s[1], k+s[2]
			}
		case LessOp:
			for range n {
				d[i] = x[j] < y[k]
				i, j, k = i+s[0], j+s[1], k+s[2]
			}
		case LessEqualOp:
			for range n {
				d[i] = x[j] <= y[k]
				i, j, k = i+s[0], j+s[1], k+s[2]
			}
		case GreaterOp:
			for range n {
				d[i] = x[j] > y[k]
				i, j, k = i+s[0], j+s[1], k+s[2]
			}
		case GreaterEqualOp:
			for range n {
				d[i] = x[j] >= y[k]
				i, j, k = i+s[0], j+s[1], k+s[2]
			}
		}
	})
}

func (boolK) compare(op CompareOp, dst, a, b *Array) {
	// Compare booleans as 0 and 1.
	x, _ := a.Astype(Uint8)
	y, _ := b.Astype(Uint8)
	numK[uint8]{}.compare(op, dst, x, y)
}

func (numK[T]) unary(op UnaryOp, dst, a *Array) error {
	r := newRows(dst.shape, dst.strides, a.strides)
	base := []int{dst.offset, a.offset}
	switch op {
	case IsNaNOp, IsFiniteOp:
		d, x := dst.data.([]bool), a.data.([]T)
		finite := op == IsFiniteOp
		r.each(base, func(o []int, n int, s []int) {
			i, j := o[0], o[1]
			for range n {
				v := float64(x[j])
				if finite {
					d[i] = !math.IsNaN(v) && !math.IsInf(v, 0)
				} else {
					d[i] = v != v
				}
				i, j = i+s[0], j+s[1]
			}
		})
		return nil
	case NotOp:
		return ErrDType
	}
	d, x := dst.data.([]T), a.data.([]T)
	var f func(T) T
	switch op {
	case AbsOp:
		f = func(v T) T {
			if v < 0 {
				return -v
			}
			return v
		}
	case NegOp:
		f = func(v T) T { return -v }
	case SqrtOp:
		f = func(v T) T { return T(math.Sqrt(float64(v))) }
	case ExpOp:
		f = func(v T) T { return T(math.Exp(float64(v))) }
	case LogOp:
		f = func(v T) T { return T(math.Log(float64(v))) }
	}
	r.each(base, func(o []int, n int, s []int) {
		i, j := o[0], o[1]
		for range n {
			d[i] = f(x[j])
			i, j = i+s[0], j+s[1]
		}
	})
	return nil
}

func (boolK) unary(op UnaryOp, dst, a *Array) error {
	if op != NotOp {
		return ErrDType
	}
	d, x := dst.data.([]bool), a.data.([]bool)
	newRows(dst.shape, dst.strides, a.strides).each([]int{dst.offset, a.offset}, func(o []int, n int, s []int) {
		i, j := o[0], o[1]
		for range n {
			d[i] = !x[j]
			i, j = i+s[0], j+s[1]
		}
	})
	return nil
}

func (numK[T]) where(dst, cond, a, b *Array) { whereTyped[T](dst, cond, a, b) }

func (boolK) where(dst, cond, a, b *Array) { whereTyped[bool](dst, cond, a, b) }

func whereTyped[T Elem](dst, cond, a, b *Array) {
	d, c, x, y := dst.data.([]T), cond.data.([]bool), a.data.([]T), b.data.([]T)
	newRows(dst.shape, dst.strides, cond.strides, a.strides, b.strides).each(
		[]int{dst.offset, cond.offset, a.offset, b.offset},
		func(o []int, n int, s []int) {
			i, k, j, l := o[0], o[1], o[2], o[3]
			for range n {
				if c[k] {
					d[i] = x[j]
				} else {
					d[i] = y[l]
				}
				i, k, j, l = i+s[0], k+s[1], j+s[2], l+s[3]
			}
		})
}
