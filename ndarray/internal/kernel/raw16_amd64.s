//go:build !purego

#include "textflag.h"

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
	VBROADCASTI128 (R10), Y2
	VBROADCASTI128 16(R10), Y8
	VPSHUFB Y15, Y2, Y2
	VPSHUFB Y15, Y8, Y8
	VPSRAD $16, Y2, Y2
	VPSRAD $16, Y8, Y8
	VPCMPEQD Y14, Y2, Y3
	VPCMPEQD Y14, Y8, Y9
	VPANDN Y2, Y3, Y2
	VPANDN Y8, Y9, Y8
	VPADDD Y2, Y0, Y0
	VPADDD Y8, Y6, Y6
	VPSUBD Y3, Y1, Y1
	VPSUBD Y9, Y7, Y7
	ADDQ R8, R10
	DECQ R11
	JNZ  pairrow

	VPMOVSXDQ X0, Y4
	VEXTRACTI128 $1, Y0, X5
	VPMOVSXDQ X5, Y5
	VPMOVSXDQ X6, Y10
	VEXTRACTI128 $1, Y6, X11
	VPMOVSXDQ X11, Y11
	VPADDQ (DI), Y4, Y4
	VPADDQ 32(DI), Y5, Y5
	VPADDQ 64(DI), Y10, Y10
	VPADDQ 96(DI), Y11, Y11
	VMOVDQU Y4, (DI)
	VMOVDQU Y5, 32(DI)
	VMOVDQU Y10, 64(DI)
	VMOVDQU Y11, 96(DI)
	VPOR Y1, Y7, Y12
	VPTEST Y12, Y12
	JZ   pairnext
	TESTQ R13, R13
	JZ   paircount
	MOVQ $1, R12
	JMP  pairnext

paircount:
	VPMOVSXDQ X1, Y4
	VEXTRACTI128 $1, Y1, X5
	VPMOVSXDQ X5, Y5
	VPMOVSXDQ X7, Y10
	VEXTRACTI128 $1, Y7, X11
	VPMOVSXDQ X11, Y11
	VPADDQ (SI), Y4, Y4
	VPADDQ 32(SI), Y5, Y5
	VPADDQ 64(SI), Y10, Y10
	VPADDQ 96(SI), Y11, Y11
	VMOVDQU Y4, (SI)
	VMOVDQU Y5, 32(SI)
	VMOVDQU Y10, 64(SI)
	VMOVDQU Y11, 96(SI)

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
	VBROADCASTI128 (R10), Y2
	VPSHUFB Y15, Y2, Y2
	VPSRAD $16, Y2, Y2
	VPCMPEQD Y14, Y2, Y3
	VPANDN Y2, Y3, Y2
	VPADDD Y2, Y0, Y0
	VPSUBD Y3, Y1, Y1
	ADDQ R8, R10
	DECQ R11
	JNZ  singlerow

	VPMOVSXDQ X0, Y4
	VEXTRACTI128 $1, Y0, X5
	VPMOVSXDQ X5, Y5
	VPADDQ (DI), Y4, Y4
	VPADDQ 32(DI), Y5, Y5
	VMOVDQU Y4, (DI)
	VMOVDQU Y5, 32(DI)
	VPTEST Y1, Y1
	JZ   done
	TESTQ R13, R13
	JZ   singlecount
	MOVQ $1, R12
	JMP  done

singlecount:
	VPMOVSXDQ X1, Y4
	VEXTRACTI128 $1, Y1, X5
	VPMOVSXDQ X5, Y5
	VPADDQ (SI), Y4, Y4
	VPADDQ 32(SI), Y5, Y5
	VMOVDQU Y4, (SI)
	VMOVDQU Y5, 32(SI)

done:
	MOVQ R12, uncounted+64(FP)
	VZEROUPPER
	RET
