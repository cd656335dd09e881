package scheduler

// prioHeap is a binary min-heap of task priorities (positions in
// graph.Plan.Order): pop returns the most urgent ready task.
type prioHeap []int32

func (h *prioHeap) push(p int32) {
	a := append(*h, p)
	i := len(a) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if a[parent] <= p {
			break
		}
		a[i] = a[parent]
		i = parent
	}
	a[i] = p
	*h = a
}

func (h *prioHeap) pop() int32 {
	a := *h
	top := a[0]
	last := a[len(a)-1]
	a = a[:len(a)-1]
	n := len(a)
	i := 0
	for n > 0 {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && a[c+1] < a[c] {
			c++
		}
		if last <= a[c] {
			break
		}
		a[i] = a[c]
		i = c
	}
	if n > 0 {
		a[i] = last
	}
	*h = a
	return top
}
