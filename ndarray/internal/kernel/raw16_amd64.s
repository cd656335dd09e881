//go:build !purego

#include "textflag.h"

// ROW8 folds one row's 8 values at off(R10) into the sums S and the fill
// counts N (V and C are scratch): load, byte-swap into the high halves
// of the 32-bit lanes (mask Y15), shift down with sign, compare with the
// fill (Y14), zero the fills in the sum and count them (a lane equal to
// the fill is -1, subtracted).
#define ROW8(off, V, C, S, N) \
	VBROADCASTI128 off(R10), V; \
	VPSHUFB        Y15, V, V;   \
	VPSRAD         $16, V, V;   \
	VPCMPEQD       Y14, V, C;   \
	VPANDN         V, C, V;     \
	VPADDD         V, S, S;     \
	VPSUBD         C, N, N

// ADD8 widens the eight 32-bit lanes of V (X its low half) to int64 and
// adds them into the eight int64s at off(P), through Y4 and Y5.
#define ADD8(V, X, P, off) \
	VPMOVSXDQ    X, Y4;          \
	VEXTRACTI128 $1, V, X5;      \
	VPMOVSXDQ    X5, Y5;         \
	VPADDQ       off(P), Y4, Y4; \
	VPADDQ       off+32(P), Y5, Y5; \
	VMOVDQU      Y4, off(P);     \
	VMOVDQU      Y5, off+32(P)

// func addRows16AVX2(acc, miss *int64, raw *byte, stride, k, n int, mask *[32]byte, fill int32) (uncounted int)
//
// For each block of 8 positions: the k rows' 16-bit values (k >= 1, rows
// stride bytes apart) are shuffled into the high halves of 32-bit lanes
// (mask does the byte swap too), shifted down with sign, compared with
// fill (an int32; one no int16 equals never matches), summed in 32-bit
// lanes with the fill values zeroed and counted, and then widened and
// added into acc[0:8] and, when a block holds fill values, miss[0:8].
// With miss nil, fill values are skipped without being counted, and the
// result is 1 if there were any. n is a positive multiple of 8. Two
// blocks go side by side while there are two, so that the loads of one
// hide behind the other's arithmetic.
TEXT ·addRows16AVX2(SB), NOSPLIT, $0-72
	MOVQ acc+0(FP), DI
	MOVQ miss+8(FP), SI
	MOVQ raw+16(FP), DX
	MOVQ stride+24(FP), R8
	MOVQ k+32(FP), R9
	MOVQ n+40(FP), CX
	MOVQ mask+48(FP), AX
	VMOVDQU (AX), Y15
	MOVL fill+56(FP), BX
	VMOVD BX, X14
	VPBROADCASTD X14, Y14
	SHRQ $3, CX
	XORQ R12, R12 // fills seen and not counted
	XORQ R13, R13 // 1 when miss is nil
	TESTQ SI, SI
	JNZ  pair
	MOVQ $1, R13

pair:
	CMPQ CX, $2
	JLT  single
	VPXOR Y0, Y0, Y0 // sums, positions 0-7
	VPXOR Y1, Y1, Y1 // fill counts, positions 0-7
	VPXOR Y6, Y6, Y6 // sums, positions 8-15
	VPXOR Y7, Y7, Y7 // fill counts, positions 8-15
	MOVQ DX, R10
	MOVQ R9, R11

pairrow:
	ROW8(0, Y2, Y3, Y0, Y1)
	ROW8(16, Y8, Y9, Y6, Y7)
	ADDQ R8, R10
	DECQ R11
	JNZ  pairrow

	ADD8(Y0, X0, DI, 0)
	ADD8(Y6, X6, DI, 64)
	VPOR Y1, Y7, Y12
	VPTEST Y12, Y12
	JZ   pairnext
	TESTQ R13, R13
	JZ   paircount
	MOVQ $1, R12
	JMP  pairnext

paircount:
	ADD8(Y1, X1, SI, 0)
	ADD8(Y7, X7, SI, 64)

pairnext:
	ADDQ $128, DI
	ADDQ $128, SI
	ADDQ $32, DX
	SUBQ $2, CX
	JMP  pair

single:
	CMPQ CX, $0
	JEQ  done
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	MOVQ DX, R10
	MOVQ R9, R11

singlerow:
	ROW8(0, Y2, Y3, Y0, Y1)
	ADDQ R8, R10
	DECQ R11
	JNZ  singlerow

	ADD8(Y0, X0, DI, 0)
	VPTEST Y1, Y1
	JZ   done
	TESTQ R13, R13
	JZ   singlecount
	MOVQ $1, R12
	JMP  done

singlecount:
	ADD8(Y1, X1, SI, 0)

done:
	MOVQ R12, uncounted+64(FP)
	VZEROUPPER
	RET
