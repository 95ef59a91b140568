/* ctx_x86_64.S — context switch for x86-64 System V (see ctx.h). */
#if defined(__x86_64__)
	.text

	.globl snow_ctx_switch
	.type snow_ctx_switch, @function
	.p2align 4
/* void snow_ctx_switch(SnowCtx *from  (rdi), SnowCtx *to (rsi)) */
snow_ctx_switch:
	.cfi_startproc
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	subq $8, %rsp
	stmxcsr (%rsp)
	fnstcw 4(%rsp)
	movq %rsp, (%rdi)
	movq (%rsi), %rsp
	ldmxcsr (%rsp)
	fldcw 4(%rsp)
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	ret
	.cfi_endproc
	.size snow_ctx_switch, .-snow_ctx_switch

	.globl snow_ctx_trampoline
	.type snow_ctx_trampoline, @function
	.p2align 4
/* First "return" target of a fresh context: rsp is 16-byte aligned here,
 * so the call below gives entry the alignment the ABI promises. */
snow_ctx_trampoline:
	.cfi_startproc
	.cfi_undefined rip
	movq %r12, %rdi
	callq *%r13
	ud2
	.cfi_endproc
	.size snow_ctx_trampoline, .-snow_ctx_trampoline

#endif

/* Every object file (even an empty one) says the stack is not executable. */
#if defined(__ELF__)
	.section .note.GNU-stack,"",%progbits
#endif
