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

int main(int argc, char **argv)
{
	const char *real = getenv("AFTERBURN_REAL_AS");
	const char *keep = getenv("AFTERBURN_KEEP");
	const char *obj = "a.out";
	if (!real || !*real)
		real = DEFAULT_AS;
	if (keep && !*keep)
		keep = NULL;

	char **in = calloc((size_t)argc + 1, sizeof(*in));
	char **nargv = calloc((size_t)argc + 2, sizeof(*nargv));
	int nin = 0, nn = 1, first_in = -1;
	if (!in || !nargv)
		return 1;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--version") || !strcmp(a, "--help"))
			run_real(real, argv);
		if (takes_value(a) && i + 1 < argc) {
			if (!strcmp(a, "-o"))
				obj = argv[i + 1];
			nargv[nn++] = argv[i++];
			nargv[nn++] = argv[i];
		} else if (a[0] != '-' || !strcmp(a, "-") || !strcmp(a, "--")) {
			in[nin++] = !strcmp(a, "--") ? "-" : argv[i];
			if (first_in < 0)
				first_in = nn++;	/* placeholder for the burned file */
		} else {
			nargv[nn++] = argv[i];
		}
	}
	if (nin == 0) {
		in[nin++] = "-";
		first_in = nn++;
	}
	if (excluded(getenv("AFTERBURN_EXCLUDE"), obj))
		run_real(real, argv);

	/* The afterburned unit goes to DIR/OBJ.ab.s or a private temp file. */
	char path[4096], orig[4096];
	char *objcopy = strdup(obj);
	const char *base = objcopy ? basename(objcopy) : "out";
	int fd;
	if (keep) {
		mkdir(keep, 0777);
		snprintf(path, sizeof(path), "%s/%s.%ld.ab.s", keep, base, (long)getpid());
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0666);
	} else {
		const char *tmp = getenv("TMPDIR");
		snprintf(path, sizeof(path), "%s/afterburn-XXXXXX.s", tmp && *tmp ? tmp : "/tmp");
		fd = mkstemps(path, 2);
	}
	/* The only file this program ever removes: the private mkstemps()
	 * file it just created (never -o's object, never a kept file). */
	const char *own_tmp = !keep && fd >= 0 ? path : NULL;
	FILE *out = fd >= 0 ? fdopen(fd, "w") : NULL;
	if (!out) {
		fprintf(stderr, "afterburn-as: %s: %s\n", path, strerror(errno));
		return 1;
	}

	struct ab_ctx c;
	ab_ctx_init(&c, stderr);
	char **bufs = calloc((size_t)nin, sizeof(*bufs));
	size_t *lens = calloc((size_t)nin, sizeof(*lens));
	const char **names = calloc((size_t)nin, sizeof(*names));
	if (!bufs || !lens || !names)
		return 1;
	for (int i = 0; i < nin && !c.errors; i++) {
		names[i] = strcmp(in[i], "-") ? in[i] : "<stdin>";
		bufs[i] = ab_read_file(in[i], &lens[i]);
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
		ab_burn_unit(&c, nin, names, (const char *const *)bufs, lens, out);
	for (int i = 0; i < nin; i++)
		free(bufs[i]);
	if (fclose(out) != 0) {
		fprintf(stderr, "afterburn-as: %s: %s\n", path, strerror(errno));
		c.errors++;
	}
	if (c.errors) {
		if (own_tmp)
			unlink(own_tmp);
		return 1;
	}
	ab_ctx_fini(&c);

	nargv[first_in] = path;
	nargv[nn] = NULL;
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
