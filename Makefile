# Snow — build, test and demo entry points. See README.md.
#
#   make          build snowc and the runtime library into build/
#   make demo     install missing system packages, build, compile and run examples/hello
#   make test     install missing system packages, build, run the whole suite
#                 (unit tests, end-to-end tests, then the same e2e suite against an
#                 AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/,
#                 then the scheduler's unit tests and the actor e2e cases against a
#                 ThreadSanitizer build in build-tsan/: tests/tsan_check.sh)
#   make fuzz     libFuzzer over lexer + parser + checker + IR lowering (bounded time; not in `make test`)
#   make bench    compute and actor benchmarks side by side with C, Go and Erlang (bench/README.md)

LLVM_CONFIG ?= /usr/lib/llvm-19/bin/llvm-config
CC := cc
BUILD ?= build
SAN ?=
OPT ?= -O2

WARN := -Wall -Wextra -Wno-unused-parameter -Wno-missing-field-initializers
BASE_CFLAGS := -std=gnu17 $(WARN) -g $(OPT) -fno-omit-frame-pointer $(SAN)
LLVM_CFLAGS := $(shell $(LLVM_CONFIG) --cflags 2>/dev/null)
LLVM_LIBS := $(shell $(LLVM_CONFIG) --ldflags --libs 2>/dev/null) -Wl,-rpath,$(shell $(LLVM_CONFIG) --libdir 2>/dev/null)

COMPILER_SRCS := $(shell find compiler -name '*.c' | sort)
RUNTIME_SRCS := $(shell find runtime -name '*.c' | sort)
# Assembly (context switches); each file assembles to nothing on other architectures.
RUNTIME_ASM := $(shell find runtime -name '*.S' | sort)
COMPILER_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(COMPILER_SRCS))
RUNTIME_OBJS := $(patsubst %.c,$(BUILD)/obj/%.o,$(RUNTIME_SRCS)) $(patsubst %.S,$(BUILD)/obj/%.o,$(RUNTIME_ASM))
# Objects of the compiler without its main(), for unit tests and the fuzzer.
COMPILER_LIB_OBJS := $(filter-out $(BUILD)/obj/compiler/driver/main.o,$(COMPILER_OBJS))

UNIT_SRCS := $(sort $(wildcard tests/unit/*.c))
UNIT_BINS := $(patsubst tests/unit/%.c,$(BUILD)/unit/%,$(UNIT_SRCS))

# Flags that snowc passes to `cc` when linking Snow programs (the sanitizer
# build must link its programs with the sanitizer runtimes).
LINK_EXTRA := $(SAN)

.PHONY: all deps demo test unit e2e asan fuzz clean format bench
all: $(BUILD)/snowc $(BUILD)/libsnowrt.a

deps:
	@sh scripts/install-deps.sh

$(BUILD)/obj/compiler/%.o: compiler/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(LLVM_CFLAGS) -DSNOW_LINK_EXTRA='"$(LINK_EXTRA)"' -MMD -MP -c $< -o $@

$(BUILD)/obj/runtime/%.o: runtime/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Iruntime/include -MMD -MP -c $< -o $@

$(BUILD)/obj/runtime/%.o: runtime/%.S
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) -Iruntime/include -MMD -MP -c $< -o $@

$(BUILD)/snowc: $(COMPILER_OBJS)
	$(CC) $(SAN) -o $@ $^ $(LLVM_LIBS) -lm

$(BUILD)/libsnowrt.a: $(RUNTIME_OBJS)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/unit/%: tests/unit/%.c $(COMPILER_LIB_OBJS) $(BUILD)/libsnowrt.a
	@mkdir -p $(dir $@)
	$(CC) $(BASE_CFLAGS) $(LLVM_CFLAGS) -Iruntime/include -o $@ $< $(COMPILER_LIB_OBJS) $(BUILD)/libsnowrt.a $(LLVM_LIBS) -lm -lpthread

unit: $(UNIT_BINS)

# `deps` may install LLVM, so the build runs in a fresh make that reads
# llvm-config only after the install.
demo: deps
	$(MAKE) all
	$(BUILD)/snowc run examples/hello

test: deps
	@sh tests/run_all.sh

fuzz: deps
	@sh tests/fuzz/run_fuzz.sh

# Compute benchmarks against the C/Go/Erlang peers (bench/README.md);
# FIB_N, TREES_N, BENCH_RUNS override the sizes and the number of runs.
bench: all
	@bash bench/run.sh

format:
	clang-format -i $$(find compiler runtime tests -name '*.[ch]')

clean:
	rm -rf build build-asan build-tsan build-fuzz

-include $(shell find $(BUILD)/obj -name '*.d' 2>/dev/null)
