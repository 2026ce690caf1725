# Afterburner host tools: build/bin/afterburn (flex scanner), afterburn-as
# (drop-in for i686-linux-gnu-as), afterburn-verify (Capstone coverage
# check) and build/afterburn-b/as (the directory for gcc -B). See
# docs/afterburn.md.

AFTERBURN        := $(BUILD)/bin/afterburn
AFTERBURN_AS     := $(BUILD)/bin/afterburn-as
AFTERBURN_VERIFY := $(BUILD)/bin/afterburn-verify
AFTERBURN_B      := $(BUILD)/afterburn-b/
AFTERBURN_B_AS   := $(AFTERBURN_B)as
AB_OBJ           := $(BUILD)/afterburn
AB_CFLAGS        := $(HOST_CFLAGS) -Iinclude -Iafterburn -I$(AB_OBJ)

ALL_TARGETS += $(AFTERBURN) $(AFTERBURN_AS) $(AFTERBURN_VERIFY) $(AFTERBURN_B_AS)

# The scanner core, linked into afterburn, afterburn-as and the tests.
AB_CORE_OBJS := $(addprefix $(AB_OBJ)/,lexer.o burn.o bodies.o classify.o)

$(AB_OBJ)/lexer.c: afterburn/lexer.l
	@mkdir -p $(dir $@)
	flex -Cf -o $@ $<

# flex's generated code is not ours to keep warning-free.
$(AB_OBJ)/lexer.o: $(AB_OBJ)/lexer.c afterburn/lex.h
	$(HOSTCC) $(AB_CFLAGS) -Wno-unused-function -Wno-sign-compare \
		-Wno-missing-prototypes -c -o $@ $<

$(AB_OBJ)/%.o: afterburn/%.c
	@mkdir -p $(dir $@)
	$(HOSTCC) $(AB_CFLAGS) -c -o $@ $<

$(AFTERBURN): $(AB_OBJ)/main.o $(AB_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -o $@ $^

$(AFTERBURN_AS): $(AB_OBJ)/as.o $(AB_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -o $@ $^

AB_VERIFY_OBJS := $(addprefix $(AB_OBJ)/,verify.o anchors.o elf32.o)

$(AFTERBURN_VERIFY): $(AB_OBJ)/verify_main.o $(AB_VERIFY_OBJS) $(AB_CORE_OBJS)
	@mkdir -p $(dir $@)
	$(HOSTCC) -o $@ $^ -lcapstone

# gcc -B$(AFTERBURN_B) finds "as" here; a copy, so the stamp is a real file.
# Depend on $(AFTERBURN_B_AS) (or on the directory $(AFTERBURN_B) itself).
# Copied beside it and renamed over it: a build running the old binary keeps
# it (cp -f onto a running executable fails with "Text file busy").
$(AFTERBURN_B_AS): $(AFTERBURN_AS)
	@mkdir -p $(dir $@)
	cp -f $< $@.tmp.$$$$ && mv -f $@.tmp.$$$$ $@
$(AFTERBURN_B): $(AFTERBURN_B_AS)

-include $(wildcard $(AB_OBJ)/*.d)
