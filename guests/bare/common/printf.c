/*
 * A small vsnprintf and a console that emits whole lines under one lock,
 * so output from several harts never interleaves within a line.
 */
#include "sbi.h"

struct out {
	char *buf;
	size_t size;
	size_t len;
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_num(struct out *o, u64 v, unsigned base, int neg, int upper,
		    int width, char pad, int left)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	len = n + neg;
	if (neg && pad == '0')
		put(o, '-');
	if (!left)
		for (; width > len; width--)
			put(o, pad);
	if (neg && pad != '0')
		put(o, '-');
	while (n)
		put(o, tmp[--n]);
	for (; width > len; width--)
		put(o, ' ');
}

int rt_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { buf, size, 0 };

	for (; *fmt; fmt++) {
		int width = 0, lng = 0, left = 0;
		char pad = ' ';
		const char *s;
		u64 v;

		if (*fmt != '%') {
			put(&o, *fmt);
			continue;
		}
		fmt++;
		for (; *fmt == '0' || *fmt == '-'; fmt++) {
			if (*fmt == '0')
				pad = '0';
			else
				left = 1;
		}
		if (left)
			pad = ' ';
		while (*fmt >= '0' && *fmt <= '9')
			width = width * 10 + (*fmt++ - '0');
		while (*fmt == 'l' || *fmt == 'z') {
			lng = 1;
			fmt++;
		}
		switch (*fmt) {
		case 'd':
		case 'i': {
			s64 sv = lng ? va_arg(ap, long) : va_arg(ap, int);

			v = sv < 0 ? (u64)0 - (u64)sv : (u64)sv;
			put_num(&o, v, 10, sv < 0, 0, width, pad, left);
			break;
		}
		case 'u':
		case 'x':
		case 'X':
			v = lng ? va_arg(ap, unsigned long) : va_arg(ap, unsigned);
			put_num(&o, v, *fmt == 'u' ? 10 : 16, 0, *fmt == 'X',
				width, pad, left);
			break;
		case 'p':
			v = (uintptr_t)va_arg(ap, void *);
			put(&o, '0');
			put(&o, 'x');
			put_num(&o, v, 16, 0, 0, width, pad, left);
			break;
		case 'c':
			put(&o, (char)va_arg(ap, int));
			break;
		case 's':
			s = va_arg(ap, const char *);
			if (!s)
				s = "(null)";
			width -= (int)strlen(s);
			for (; !left && width > 0; width--)
				put(&o, ' ');
			while (*s)
				put(&o, *s++);
			for (; width > 0; width--)
				put(&o, ' ');
			break;
		case '%':
			put(&o, '%');
			break;
		case '\0':
			fmt--;
			break;
		default:
			put(&o, '%');
			put(&o, *fmt);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

int rt_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = rt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static struct rt_lock con_lock;
static volatile long con_owner = -1;

/* Recursive per hart, so a trap handler may print while its hart prints. */
static int con_acquire(void)
{
	long me = (long)rt_hartid();

	if (READ_ONCE(con_owner) == me)
		return 0;
	rt_lock(&con_lock);
	WRITE_ONCE(con_owner, me);
	return 1;
}

static void con_release(int taken)
{
	if (!taken)
		return;
	WRITE_ONCE(con_owner, -1);
	rt_unlock(&con_lock);
}

void con_puts(const char *s)
{
	int taken = con_acquire();

	while (*s)
		sbi_putchar(*s++);
	con_release(taken);
}

int con_vprintf(const char *fmt, va_list ap)
{
	char buf[256];
	int n = rt_vsnprintf(buf, sizeof(buf), fmt, ap);

	con_puts(buf);
	return n;
}

int con_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = con_vprintf(fmt, ap);
	va_end(ap);
	return n;
}
