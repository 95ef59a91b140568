/* ctx_aarch64.S — context switch for AArch64 AAPCS64 (see ctx.h). */
#if defined(__aarch64__)
	.text

	.globl snow_ctx_switch
	.type snow_ctx_switch, %function
	.p2align 4
/* void snow_ctx_switch(SnowCtx *from (x0), SnowCtx *to (x1)) */
snow_ctx_switch:
	.cfi_startproc
	sub sp, sp, #160
	stp x19, x20, [sp, #0]
	stp x21, x22, [sp, #16]
	stp x23, x24, [sp, #32]
	stp x25, x26, [sp, #48]
	stp x27, x28, [sp, #64]
	stp x29, x30, [sp, #80]
	stp d8, d9, [sp, #96]
	stp d10, d11, [sp, #112]
	stp d12, d13, [sp, #128]
	stp d14, d15, [sp, #144]
	mov x2, sp
	str x2, [x0]
	ldr x2, [x1]
	mov sp, x2
	ldp x19, x20, [sp, #0]
	ldp x21, x22, [sp, #16]
	ldp x23, x24, [sp, #32]
	ldp x25, x26, [sp, #48]
	ldp x27, x28, [sp, #64]
	ldp x29, x30, [sp, #80]
	ldp d8, d9, [sp, #96]
	ldp d10, d11, [sp, #112]
	ldp d12, d13, [sp, #128]
	ldp d14, d15, [sp, #144]
	add sp, sp, #160
	ret
	.cfi_endproc
	.size snow_ctx_switch, .-snow_ctx_switch

	.globl snow_ctx_trampoline
	.type snow_ctx_trampoline, %function
	.p2align 4
/* First "return" target of a fresh context (x30 pointed here). */
snow_ctx_trampoline:
	.cfi_startproc
	.cfi_undefined x30
	mov x0, x19
	blr x20
	brk #0
	.cfi_endproc
	.size snow_ctx_trampoline, .-snow_ctx_trampoline

#endif

/* Every object file (even an empty one) says the stack is not executable. */
#if defined(__ELF__)
	.section .note.GNU-stack,"",%progbits
#endif
