/* Mnemonic table lookup and operand match rules (see classify.h). */
#include <string.h>
#include "classify.h"

const struct ab_class_info ab_classes[AB_CLASS_COUNT] = {
#define AB_INFO(id, m, pad, shortest, rewrite, mnem) \
	{ #id, m, pad, shortest, rewrite, mnem },
	AFTERBURN_CLASSES(AB_INFO)
#undef AB_INFO
};

#define MNEM_MAX 16		/* longer words are never listed */
#define HASH_SIZE 512		/* power of two, > 2 x number of mnemonics */
#define MAX_ROWS 4		/* classes sharing one mnemonic */

struct slot {
	char name[MNEM_MAX];
	signed char cls[MAX_ROWS];
	unsigned char ncls;
};

static struct slot table[HASH_SIZE];
static bool table_ready;

static unsigned hash(const char *s, size_t n)
{
	unsigned h = 2166136261u;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 16777619u;
	return h;
}

static struct slot *find(const char *s, size_t n, bool insert)
{
	for (unsigned i = hash(s, n);; i++) {
		struct slot *sl = &table[i & (HASH_SIZE - 1)];
		if (sl->ncls == 0) {
			if (!insert)
				return NULL;
			memcpy(sl->name, s, n);
			sl->name[n] = 0;
			return sl;
		}
		if (strlen(sl->name) == n && memcmp(sl->name, s, n) == 0)
			return sl;
	}
}

static void build_table(void)
{
	for (int c = 0; c < AB_CLASS_COUNT; c++) {
		const char *p = ab_classes[c].mnemonics;
		while (*p) {
			while (*p == ' ')
				p++;
			size_t n = strcspn(p, " ");
			if (n == 0)
				break;
			struct slot *sl = find(p, n, true);
			sl->cls[sl->ncls++] = (signed char)c;
			p += n;
		}
	}
	table_ready = true;
}

/* Lower-case MNEM into BUF; false if it cannot be a listed mnemonic. */
static bool lower(const char *s, size_t n, char *buf)
{
	if (n == 0 || n >= MNEM_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		buf[i] = c;
	}
	return true;
}

static const struct slot *lookup(const char *s, size_t n)
{
	char buf[MNEM_MAX];
	if (!table_ready)
		build_table();
	if (!lower(s, n, buf))
		return NULL;
	/* GNU as encoding suffixes: "mov.s", "mov.d8", "mov.d32" */
	const char *dot = memchr(buf, '.', n);
	if (dot && dot > buf) {
		size_t k = (size_t)(dot - buf), rest = n - k;
		if ((rest == 2 && !memcmp(dot, ".s", 2)) || (rest == 3 && !memcmp(dot, ".d8", 3)) ||
		    (rest == 4 && !memcmp(dot, ".d32", 4)))
			n = k;
	}
	return find(buf, n, false);
}

static bool rule_holds(enum afterburn_match m, const char *mnem,
		       const struct ab_opinfo *oi)
{
	switch (m) {
	case AB_MATCH_ANY:
		return true;
	case AB_MATCH_CR:
		return oi->has_cr;
	case AB_MATCH_DR:
		return oi->has_dr;
	case AB_MATCH_SEG:
		return oi->has_seg;
	case AB_MATCH_FAR:
		return mnem[0] == 'l' || mnem[0] == 'L' ||
		       (oi->n_operands == 2 && oi->n_imm == 2);
	}
	return false;
}

int ab_classify(const char *mnem, size_t len, const struct ab_opinfo *oi)
{
	const struct slot *sl = lookup(mnem, len);
	if (!sl)
		return -1;
	for (int i = 0; i < sl->ncls; i++)
		if (rule_holds(ab_classes[sl->cls[i]].match, mnem, oi))
			return sl->cls[i];
	return -1;
}

bool ab_is_listed(const char *mnem, size_t len, bool *any_rule)
{
	const struct slot *sl = lookup(mnem, len);
	*any_rule = false;
	if (!sl)
		return false;
	for (int i = 0; i < sl->ncls; i++)
		if (ab_classes[sl->cls[i]].match == AB_MATCH_ANY)
			*any_rule = true;
	return true;
}

bool ab_is_prefix(const char *mnem, size_t len)
{
	static const char *const prefixes[] = {
		"rep", "repe", "repz", "repne", "repnz", "lock",
		"data16", "data32", "addr16", "addr32",
		"cs", "ds", "es", "fs", "gs", "ss",
		"notrack", "xacquire", "xrelease", "bnd", NULL,
	};
	char buf[MNEM_MAX];
	if (!lower(mnem, len, buf))
		return false;
	for (int i = 0; prefixes[i]; i++)
		if (strlen(prefixes[i]) == len && memcmp(prefixes[i], buf, len) == 0)
			return true;
	return false;
}

static bool is_word_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/* Classify one register name (without '%'); true if it is a bare %ss. */
static bool reg(const char *s, size_t n, bool override, struct ab_opinfo *oi)
{
	char b[8];
	if (n < 2 || n > 5)
		return false;
	for (size_t i = 0; i < n; i++)
		b[i] = (char)((s[i] >= 'A' && s[i] <= 'Z') ? s[i] - 'A' + 'a' : s[i]);
	bool digits = true;
	for (size_t i = 2; i < n; i++)
		digits = digits && b[i] >= '0' && b[i] <= '9';
	if (n == 2 && b[1] == 's' && strchr("cdefgs", b[0])) {
		if (!override)
			oi->has_seg = true;
		return !override && b[0] == 's';
	} else if (n > 2 && digits && b[0] == 'c' && b[1] == 'r') {
		oi->has_cr = true;
	} else if (n > 2 && digits && ((b[0] == 'd' && (b[1] == 'b' || b[1] == 'r')) ||
				     (b[0] == 't' && b[1] == 'r'))) {
		oi->has_dr = true;
	}
	return false;
}

void ab_opinfo_from_text(const char *s, size_t n, struct ab_opinfo *oi)
{
	int depth = 0;
	int ss_operand = 0;	/* number of the operand holding a bare %ss */
	bool at_start = true;	/* at the start of an operand */
	memset(oi, 0, sizeof(*oi));
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == ' ' || c == '\t' || c == '\r')
			continue;
		if (c == '"') {	/* string: skip, honouring escapes */
			for (i++; i < n && s[i] != '"'; i++)
				if (s[i] == '\\')
					i++;
			at_start = false;
			continue;
		}
		if (c == '/' && i + 1 < n && s[i + 1] == '*') {
			for (i += 2; i + 1 < n && !(s[i] == '*' && s[i + 1] == '/'); i++)
				;
			i++;
			continue;
		}
		if (c == '\'') {	/* character constant 'c or '\c */
			i += (i + 1 < n && s[i + 1] == '\\') ? 2 : 1;
			if (i + 1 < n && s[i + 1] == '\'')
				i++;
			if (at_start)
				oi->n_operands++;
			at_start = false;
			continue;
		}
		if (at_start) {
			oi->n_operands++;
			if (c == '$')
				oi->n_imm++;
			at_start = false;
		}
		if (c == '(')
			depth++;
		else if (c == ')')
			depth--;
		else if (c == ',' && depth <= 0)
			at_start = true;
		else if (c == '%') {
			size_t j = i + 1;
			while (j < n && is_word_char(s[j]))
				j++;
			size_t k = j;
			while (k < n && (s[k] == ' ' || s[k] == '\t'))
				k++;
			if (reg(s + i + 1, j - i - 1, k < n && s[k] == ':', oi) && depth <= 0)
				ss_operand = oi->n_operands;
			i = j - 1;
		}
	}
	oi->dest_ss = ss_operand > 0 && ss_operand == oi->n_operands;
}

bool ab_pad_before(int cls, const struct ab_opinfo *oi)
{
	switch (afterburn_shadow_rule(cls)) {
	case AB_SHADOW_NONE:
		return false;
	case AB_SHADOW_ANY:
		return true;
	case AB_SHADOW_SS_DEST:
		return oi->dest_ss;
	}
	return false;
}

int ab_rows(const char *mnem, size_t len, int *cls, int max)
{
	const struct slot *sl = lookup(mnem, len);
	int n = 0;
	for (int i = 0; sl && i < sl->ncls && n < max; i++)
		cls[n++] = sl->cls[i];
	return n;
}
