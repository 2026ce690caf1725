/*
 * afterburn-as: a drop-in for i686-linux-gnu-as. Takes the assembler's own
 * arguments, afterburns the input files (or standard input) as one unit
 * into a temporary .s, and runs the real assembler on that instead:
 * $AFTERBURN_REAL_AS, else i686-linux-gnu-as from PATH. With
 * AFTERBURN_KEEP=DIR the input and the afterburned text are kept in DIR.
 * AFTERBURN_EXCLUDE=GLOB:GLOB... names objects (the -o path, fnmatch) that
 * are assembled untouched, e.g. a vDSO that runs in user mode.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "burn.h"

#define DEFAULT_AS "i686-linux-gnu-as"

/* Does OBJ match one of the colon-separated globs in LIST? */
static int excluded(const char *list, const char *obj)
{
	char buf[4096];
	if (!list || !*list || strlen(list) >= sizeof(buf))
		return 0;
	strcpy(buf, list);
	for (char *save = NULL, *g = strtok_r(buf, ":", &save); g; g = strtok_r(NULL, ":", &save))
		if (fnmatch(g, obj, 0) == 0)
			return 1;
	return 0;
}

/* Options of GNU as that take their value as the next argument. */
static int takes_value(const char *a)
{
	static const char *const opts[] = { "-o", "-I", "--defsym", "--MD",
					    "--debug-prefix-map", NULL };
	for (int i = 0; opts[i]; i++)
		if (!strcmp(a, opts[i]))
			return 1;
	return 0;
}

static void run_real(const char *real, char **argv)
{
	argv[0] = (char *)real;
	execvp(real, argv);
	fprintf(stderr, "afterburn-as: cannot run %s: %s\n", real, strerror(errno));
	exit(127);
}

static int write_file(const char *path, const char *buf, size_t len)
{
	FILE *f = fopen(path, "w");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f) != 0) {
		fprintf(stderr, "afterburn-as: %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* The command line split: the real assembler's arguments (nargv, with a
 * placeholder at first_in for the burned file) and the input files. */
struct args {
	char **in, **nargv;
	int nin, nn, first_in;
	const char *obj;
};

static int split_args(int argc, char **argv, const char *real, struct args *a)
{
	a->in = calloc((size_t)argc + 1, sizeof(*a->in));
	a->nargv = calloc((size_t)argc + 2, sizeof(*a->nargv));
	a->nin = 0;
	a->nn = 1;
	a->first_in = -1;
	a->obj = "a.out";
	if (!a->in || !a->nargv)
		return -1;
	for (int i = 1; i < argc; i++) {
		const char *s = argv[i];
		if (!strcmp(s, "--version") || !strcmp(s, "--help"))
			run_real(real, argv);
		if (takes_value(s) && i + 1 < argc) {
			if (!strcmp(s, "-o"))
				a->obj = argv[i + 1];
			a->nargv[a->nn++] = argv[i++];
			a->nargv[a->nn++] = argv[i];
		} else if (s[0] != '-' || !strcmp(s, "-") || !strcmp(s, "--")) {
			a->in[a->nin++] = !strcmp(s, "--") ? "-" : argv[i];
			if (a->first_in < 0)
				a->first_in = a->nn++;	/* placeholder for the burned file */
		} else {
			a->nargv[a->nn++] = argv[i];
		}
	}
	if (a->nin == 0) {
		a->in[a->nin++] = "-";
		a->first_in = a->nn++;
	}
	return 0;
}

/* The afterburned unit goes to KEEP/OBJ.PID.ab.s or a private temp file
 * (*own_tmp: the only file this program ever removes, never -o's object,
 * never a kept file). */
static FILE *open_burned(const char *keep, const char *base, char *path, size_t cap,
			 const char **own_tmp)
{
	int fd;
	if (keep) {
		mkdir(keep, 0777);
		snprintf(path, cap, "%s/%s.%ld.ab.s", keep, base, (long)getpid());
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(path, cap, "%s/afterburn-XXXXXX.s", tmp && *tmp ? tmp : "/tmp");
		fd = mkstemps(path, 2);
	}
	*own_tmp = !keep && fd >= 0 ? path : NULL;
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out)
		fprintf(stderr, "afterburn-as: %s: %s\n", path, strerror(errno));
	return out;
}

/* Read the inputs (kept as KEEP/OBJ.PID.inN.s) and afterburn them as one
 * unit into out. Returns the error count (out is closed either way). */
static int burn_inputs(const struct args *a, const char *keep, const char *base,
		       const char *path, FILE *out)
{
	char orig[4096];
	struct ab_ctx c;
	ab_ctx_init(&c, stderr);
	char **bufs = calloc((size_t)a->nin, sizeof(*bufs));
	size_t *lens = calloc((size_t)a->nin, sizeof(*lens));
	const char **names = calloc((size_t)a->nin, sizeof(*names));
	if (!bufs || !lens || !names)
		exit(1);
	for (int i = 0; i < a->nin && !c.errors; i++) {
		names[i] = strcmp(a->in[i], "-") ? a->in[i] : "<stdin>";
		bufs[i] = ab_read_file(a->in[i], &lens[i]);
		if (!bufs[i]) {
			fprintf(stderr, "afterburn-as: %s: %s\n", names[i], strerror(errno));
			c.errors++;
			break;
		}
		if (keep) {
			snprintf(orig, sizeof(orig), "%s/%s.%ld.in%d.s", keep, base,
				 (long)getpid(), i);
			write_file(orig, bufs[i], lens[i]);
		}
	}
	if (!c.errors)
		ab_burn_unit(&c, a->nin, names, (const char *const *)bufs, lens, out);
	for (int i = 0; i < a->nin; i++)
		free(bufs[i]);
	if (fclose(out) != 0) {
		fprintf(stderr, "afterburn-as: %s: %s\n", path, strerror(errno));
		c.errors++;
	}
	if (!c.errors)
		ab_ctx_fini(&c);
	return c.errors;
}

/* Run the real assembler and pass on its exit status. */
static int assemble(const char *real, char **nargv, const char *own_tmp)
{
	pid_t pid = fork();
	if (pid < 0) {
		perror("afterburn-as: fork");
		return 1;
	}
	if (pid == 0)
		run_real(real, nargv);
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR) {
			perror("afterburn-as: waitpid");
			return 1;
		}
	if (own_tmp)
		unlink(own_tmp);
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
}

int main(int argc, char **argv)
{
	const char *real = getenv("AFTERBURN_REAL_AS");
	const char *keep = getenv("AFTERBURN_KEEP");
	struct args a;
	if (!real || !*real)
		real = DEFAULT_AS;
	if (keep && !*keep)
		keep = NULL;

	if (split_args(argc, argv, real, &a))
		return 1;
	if (excluded(getenv("AFTERBURN_EXCLUDE"), a.obj))
		run_real(real, argv);

	char path[4096];
	char *objcopy = strdup(a.obj);
	const char *base = objcopy ? basename(objcopy) : "out";
	const char *own_tmp;
	FILE *out = open_burned(keep, base, path, sizeof(path), &own_tmp);
	if (!out)
		return 1;
	if (burn_inputs(&a, keep, base, path, out)) {
		if (own_tmp)
			unlink(own_tmp);
		return 1;
	}
	a.nargv[a.first_in] = path;
	a.nargv[a.nn] = NULL;
	return assemble(real, a.nargv, own_tmp);
}
