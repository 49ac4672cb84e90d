// Shims for ncursesw macros and globals that Swift cannot import directly.
#ifndef CCURSES_SHIM_H
#define CCURSES_SHIM_H

// SwiftPM drops pkg-config's -D_XOPEN_SOURCE=600, which is what normally turns on the wide API.
#define NCURSES_WIDECHAR 1
#include <locale.h>
#include <ncurses.h>
#include <wchar.h>

// A_* attributes are NCURSES_BITS expressions, not literals.
static inline attr_t ccurses_a_normal(void) { return A_NORMAL; }
static inline attr_t ccurses_a_bold(void) { return A_BOLD; }
static inline attr_t ccurses_a_dim(void) { return A_DIM; }
static inline attr_t ccurses_a_reverse(void) { return A_REVERSE; }
static inline attr_t ccurses_a_underline(void) { return A_UNDERLINE; }
static inline attr_t ccurses_a_italic(void) { return A_ITALIC; }

// KEY_F(n) is a function-like macro.
static inline int ccurses_key_f(int n) { return KEY_F(n); }

// wcwidth is hidden behind __USE_XOPEN in the Glibc module.
extern int wcwidth(wchar_t);
static inline int ccurses_wcwidth(wchar_t c) { return wcwidth(c); }

#endif
