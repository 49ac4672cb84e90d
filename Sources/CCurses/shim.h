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

// stdscr, COLORS and COLOR_PAIRS are C mutable globals: Swift 6 rejects reading them
// ("not concurrency-safe").
static inline WINDOW *ccurses_stdscr(void) { return stdscr; }
static inline int ccurses_colors(void) { return COLORS; }
static inline int ccurses_color_pairs(void) { return COLOR_PAIRS; }

// stdin and stdout are C mutable globals too; newterm takes them as FILE pointers.
static inline FILE *ccurses_stdout(void) { return stdout; }
static inline FILE *ccurses_stdin(void) { return stdin; }

// BUTTONn_* mouse masks are NCURSES_MOUSE_MASK expressions, not literals.
static inline mmask_t ccurses_button1_pressed(void) { return BUTTON1_PRESSED; }
static inline mmask_t ccurses_button1_released(void) { return BUTTON1_RELEASED; }
static inline mmask_t ccurses_button1_clicked(void) { return BUTTON1_CLICKED; }
static inline mmask_t ccurses_button3_pressed(void) { return BUTTON3_PRESSED; }
static inline mmask_t ccurses_button3_released(void) { return BUTTON3_RELEASED; }
static inline mmask_t ccurses_button3_clicked(void) { return BUTTON3_CLICKED; }
static inline mmask_t ccurses_button4_pressed(void) { return BUTTON4_PRESSED; }
static inline mmask_t ccurses_button5_pressed(void) { return BUTTON5_PRESSED; }

#endif
