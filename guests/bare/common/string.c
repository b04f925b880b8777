/* The libc functions GCC may emit calls to even with -ffreestanding. */
#include "rt.h"

void *memset(void *d, int c, size_t n)
{
	u8 *p = d;

	if (!(((uintptr_t)p | n) & 7)) {
		u64 v = (u8)c * 0x0101010101010101ULL;

		for (size_t i = 0; i < n; i += 8)
			*(u64 *)(p + i) = v;
		return d;
	}
	while (n--)
		*p++ = (u8)c;
	return d;
}

void *memcpy(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	if (!(((uintptr_t)dp | (uintptr_t)sp | n) & 7)) {
		for (size_t i = 0; i < n; i += 8)
			*(u64 *)(dp + i) = *(const u64 *)(sp + i);
		return d;
	}
	while (n--)
		*dp++ = *sp++;
	return d;
}

void *memmove(void *d, const void *s, size_t n)
{
	u8 *dp = d;
	const u8 *sp = s;

	if (dp <= sp || dp >= sp + n)
		return memcpy(d, s, n);
	while (n--)
		dp[n] = sp[n];
	return d;
}

int memcmp(const void *a, const void *b, size_t n)
{
	const u8 *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

size_t strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b)
		a++, b++;
	return (u8)*a - (u8)*b;
}

int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (u8)*a - (u8)*b;
		if (!*a)
			return 0;
	}
	return 0;
}
