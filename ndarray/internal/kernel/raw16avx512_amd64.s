//go:build !purego

#include "textflag.h"

// ROW16 folds one row's 16 values at off(R10) into the sums S and the
// fill counts N (V is scratch): load, byte-swap within 128-bit lanes
// (mask Y15), sign-extend to 32-bit lanes, compare with the fill (Z14)
// into K1, zero the fills and add, add one (Z13) to the counts of the
// fills.
#define ROW16(off, V, Y, S, N) \
	VMOVDQU   off(R10), Y;   \
	VPSHUFB   Y15, Y, Y;     \
	VPMOVSXWD Y, V;          \
	VPCMPEQD  Z14, V, K1;    \
	VPXORD    V, V, K1, V;   \
	VPADDD    V, S, S;       \
	VPADDD    Z13, N, K1, N

// ADD16 widens the sixteen 32-bit lanes of V (Y its low half) to int64
// and adds them into the sixteen int64s at off(P), through Z4 and Z5.
#define ADD16(V, Y, P, off) \
	VPMOVSXDQ     Y, Z4;              \
	VEXTRACTI64X4 $1, V, Y5;          \
	VPMOVSXDQ     Y5, Z5;             \
	VPADDQ        off(P), Z4, Z4;     \
	VPADDQ        off+64(P), Z5, Z5;  \
	VMOVDQU64     Z4, off(P);         \
	VMOVDQU64     Z5, off+64(P)

// func addRows16AVX512(acc, miss *int64, raw *byte, stride, k, n int, mask *[32]byte, fill int32) (uncounted int)
//
// addRows16AVX2 with 512-bit vectors: 16 positions per block, two blocks
// side by side while there are two; n is a positive multiple of 16. The
// mask swaps the bytes of each 16-bit value (big-endian storage) or
// keeps them, within each 128-bit lane of a 32-byte load.
TEXT ·addRows16AVX512(SB), NOSPLIT, $0-72
	MOVQ acc+0(FP), DI
	MOVQ miss+8(FP), SI
	MOVQ raw+16(FP), DX
	MOVQ stride+24(FP), R8
	MOVQ k+32(FP), R9
	MOVQ n+40(FP), CX
	MOVQ mask+48(FP), AX
	VMOVDQU (AX), Y15
	MOVL fill+56(FP), BX
	VPBROADCASTD BX, Z14
	MOVL $1, BX
	VPBROADCASTD BX, Z13
	SHRQ $4, CX
	XORQ R12, R12 // fills seen and not counted
	XORQ R13, R13 // 1 when miss is nil
	TESTQ SI, SI
	JNZ  pair
	MOVQ $1, R13

pair:
	CMPQ CX, $2
	JLT  single
	VPXORD Z0, Z0, Z0 // sums, positions 0-15
	VPXORD Z1, Z1, Z1 // fill counts, positions 0-15
	VPXORD Z6, Z6, Z6 // sums, positions 16-31
	VPXORD Z7, Z7, Z7 // fill counts, positions 16-31
	MOVQ DX, R10
	MOVQ R9, R11

pairrow:
	ROW16(0, Z2, Y2, Z0, Z1)
	ROW16(32, Z8, Y8, Z6, Z7)
	ADDQ R8, R10
	DECQ R11
	JNZ  pairrow

	ADD16(Z0, Y0, DI, 0)
	ADD16(Z6, Y6, DI, 128)
	VPORD    Z1, Z7, Z12
	VPTESTMD Z12, Z12, K2
	KORTESTW K2, K2
	JZ       pairnext
	TESTQ    R13, R13
	JZ       paircount
	MOVQ     $1, R12
	JMP      pairnext

paircount:
	ADD16(Z1, Y1, SI, 0)
	ADD16(Z7, Y7, SI, 128)

pairnext:
	ADDQ $256, DI
	ADDQ $256, SI
	ADDQ $64, DX
	SUBQ $2, CX
	JMP  pair

single:
	CMPQ CX, $0
	JEQ  done
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	MOVQ DX, R10
	MOVQ R9, R11

singlerow:
	ROW16(0, Z2, Y2, Z0, Z1)
	ADDQ R8, R10
	DECQ R11
	JNZ  singlerow

	ADD16(Z0, Y0, DI, 0)
	VPTESTMD Z1, Z1, K2
	KORTESTW K2, K2
	JZ       done
	TESTQ    R13, R13
	JZ       singlecount
	MOVQ     $1, R12
	JMP      done

singlecount:
	ADD16(Z1, Y1, SI, 0)

done:
	MOVQ R12, uncounted+64(FP)
	VZEROUPPER
	RET
