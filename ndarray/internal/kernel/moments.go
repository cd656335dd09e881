package kernel

// SqDevTo adds the squared deviations of a row of values from a row of
// means into a row of sums, skipping missing values (the second pass of a
// two-pass variance; the first pass is AddTo):
//
//	for k := range n {
//		if v := x[xi+k*xs]; !m.Is(v) { d := float64(v) - mean[ai+k*as]; m2[ai+k*as] += d * d }
//	}
func SqDevTo[T Number](m2, mean []float64, ai, as int, x []T, xi, xs, n int, m Missing[T]) {
	if as == 1 && xs == 1 && n > 0 && !m.NaN && !m.Fill {
		s, mu, v := m2[ai:ai+n], mean[ai:ai+n], x[xi:xi+n]
		s, mu = s[:len(v)], mu[:len(v)]
		for k, x := range v {
			d := float64(x) - mu[k]
			s[k] += d * d
		}
		return
	}
	for range n {
		if v := x[xi]; !m.Is(v) {
			d := float64(v) - mean[ai]
			m2[ai] += d * d
		}
		ai += as
		xi += xs
	}
}

// SqDev returns the sum of squared deviations from mean of the values of
// a row that m does not skip:
//
//	for k := range n { if v := x[xi+k*xs]; !m.Is(v) { d := float64(v) - mean; s += d * d } }
func SqDev[T Number](x []T, xi, xs, n int, mean float64, m Missing[T]) float64 {
	var s0, s1 float64
	if xs == 1 && !m.NaN && !m.Fill {
		v := x[xi : xi+n]
		i := 0
		for ; i+2 <= len(v); i += 2 {
			d0, d1 := float64(v[i])-mean, float64(v[i+1])-mean
			s0 += d0 * d0
			s1 += d1 * d1
		}
		for ; i < len(v); i++ {
			d := float64(v[i]) - mean
			s0 += d * d
		}
		return s0 + s1
	}
	for range n {
		if v := x[xi]; !m.Is(v) {
			d := float64(v) - mean
			s0 += d * d
		}
		xi += xs
	}
	return s0
}
