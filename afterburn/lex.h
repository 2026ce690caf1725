/* Tokens of GNU as (AT&T, i386-linux) source, produced by lexer.l. Every
 * input byte belongs to exactly one token, so the output can be the input
 * with text inserted between tokens. */
#ifndef AFTERBURN_LEX_H
#define AFTERBURN_LEX_H

#include <stddef.h>

enum ab_tok {
	T_WS,		/* blanks */
	T_NL,		/* newline: ends a statement */
	T_SEMI,		/* ';': ends a statement */
	T_COMMENT,	/* '#' to end of line, or '/' at column 0 */
	T_BCOMMENT,	/* C comment on one line: acts as a blank */
	T_BCOMMENT_NL,	/* C comment spanning lines: ends a statement */
	T_STRING,	/* "..." */
	T_CHAR,		/* 'c, '\c, 'c' */
	T_WORD,		/* symbol, mnemonic, directive, number, \param */
	T_REG,		/* %name */
	T_PSEUDO,	/* {disp32} and friends */
	T_COLON,
	T_COMMA,
	T_OTHER,	/* any other single byte */
	T_ERR_STRING,	/* unterminated string */
	T_ERR_COMMENT,	/* unterminated C comment */
};

struct ab_token {
	enum ab_tok type;
	unsigned line;		/* 1-based physical line of the first byte */
	size_t off, len;
};

struct ab_tokens {
	struct ab_token *v;
	size_t n, cap;
};

/* Tokenise BUF[0..LEN); returns 0, or -1 if out of memory. */
int ab_lex(const char *buf, size_t len, struct ab_tokens *out);
void ab_tokens_free(struct ab_tokens *t);

#endif
