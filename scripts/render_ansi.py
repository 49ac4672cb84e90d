#!/usr/bin/env python3
"""Render a terminal capture with colours (`tmux capture-pane -e -p`) to a PNG.

Usage: render_ansi.py CAPTURE.ansi OUT.png WIDTH HEIGHT

Understands the SGR sequences tmux emits: reset, bold, dim, italic, underline, reverse, the 16
basic colours, 256-colour (38;5;n / 48;5;n) and true colour (38;2;r;g;b). Needs Pillow
(`pip install pillow`) and DejaVu Sans Mono (Debian: fonts-dejavu-core).
"""
import re
import sys

from PIL import Image, ImageDraw, ImageFont

FONT_DIR = "/usr/share/fonts/truetype/dejavu/"
SIZE = 15
DEFAULT_FG = (208, 208, 208)
DEFAULT_BG = (24, 24, 28)
BASIC = [
    (0, 0, 0), (205, 49, 49), (13, 188, 121), (229, 229, 16), (36, 114, 200), (188, 63, 188), (17, 168, 205),
    (229, 229, 229), (102, 102, 102), (241, 76, 76), (35, 209, 139), (245, 245, 67), (59, 142, 234),
    (214, 112, 214), (41, 184, 219), (255, 255, 255),
]


def xterm(index):
    if index < 16:
        return BASIC[index]
    if index < 232:
        index -= 16
        levels = [0, 95, 135, 175, 215, 255]
        return (levels[index // 36], levels[(index // 6) % 6], levels[index % 6])
    value = 8 + (index - 232) * 10
    return (value, value, value)


def parse(text, width, height):
    """Returns rows of cells: (char, fg, bg, bold, dim, underline)."""
    rows = []
    state = dict(fg=None, bg=None, bold=False, dim=False, underline=False, reverse=False)
    for line in text.split("\n")[:height]:
        cells = []
        position = 0
        while position < len(line):
            match = re.match(r"\x1b\[([0-9;]*)m", line[position:])
            if match:
                apply_sgr(state, match.group(1))
                position += match.end()
                continue
            if line[position] == "\x1b":  # another escape: skip it
                other = re.match(r"\x1b[\[\]][0-9;?]*[A-Za-z]", line[position:])
                position += other.end() if other else 1
                continue
            fg, bg = state["fg"] or DEFAULT_FG, state["bg"] or DEFAULT_BG
            if state["reverse"]:
                fg, bg = bg, fg
            cells.append((line[position], fg, bg, state["bold"], state["dim"], state["underline"]))
            position += 1
        while len(cells) < width:
            cells.append((" ", DEFAULT_FG, state["bg"] or DEFAULT_BG, False, False, False))
        rows.append(cells[:width])
    while len(rows) < height:
        rows.append([(" ", DEFAULT_FG, DEFAULT_BG, False, False, False)] * width)
    return rows


def apply_sgr(state, codes):
    numbers = [int(code) if code else 0 for code in codes.split(";")] if codes else [0]
    index = 0
    while index < len(numbers):
        code = numbers[index]
        if code == 0:
            state.update(fg=None, bg=None, bold=False, dim=False, underline=False, reverse=False)
        elif code == 1:
            state["bold"] = True
        elif code == 2:
            state["dim"] = True
        elif code == 4:
            state["underline"] = True
        elif code == 7:
            state["reverse"] = True
        elif code == 22:
            state["bold"] = state["dim"] = False
        elif code == 24:
            state["underline"] = False
        elif code == 27:
            state["reverse"] = False
        elif 30 <= code <= 37:
            state["fg"] = BASIC[code - 30]
        elif 90 <= code <= 97:
            state["fg"] = BASIC[code - 90 + 8]
        elif 40 <= code <= 47:
            state["bg"] = BASIC[code - 40]
        elif 100 <= code <= 107:
            state["bg"] = BASIC[code - 100 + 8]
        elif code == 39:
            state["fg"] = None
        elif code == 49:
            state["bg"] = None
        elif code in (38, 48) and index + 1 < len(numbers):
            key = "fg" if code == 38 else "bg"
            if numbers[index + 1] == 5 and index + 2 < len(numbers):
                state[key] = xterm(numbers[index + 2])
                index += 2
            elif numbers[index + 1] == 2 and index + 4 < len(numbers):
                state[key] = tuple(numbers[index + 2:index + 5])
                index += 4
        index += 1


def render(rows, out):
    regular = ImageFont.truetype(FONT_DIR + "DejaVuSansMono.ttf", SIZE)
    bold = ImageFont.truetype(FONT_DIR + "DejaVuSansMono-Bold.ttf", SIZE)
    left, top, right, bottom = regular.getbbox("M")
    cell_w = int(regular.getlength("M"))
    cell_h = int(SIZE * 1.3)
    margin = 12
    image = Image.new("RGB", (len(rows[0]) * cell_w + 2 * margin, len(rows) * cell_h + 2 * margin), DEFAULT_BG)
    draw = ImageDraw.Draw(image)
    for y, row in enumerate(rows):
        for x, (char, fg, bg, is_bold, is_dim, underline) in enumerate(row):
            px, py = margin + x * cell_w, margin + y * cell_h
            draw.rectangle([px, py, px + cell_w - 1, py + cell_h - 1], fill=bg)
            if is_dim:
                fg = tuple(int(channel * 0.6 + background * 0.4) for channel, background in zip(fg, bg))
            if char != " ":
                if char in "─│┌┐└┘├┤┬┴┼┊":
                    draw_box(draw, char, px, py, cell_w, cell_h, fg)
                else:
                    draw.text((px, py + 2), char, font=bold if is_bold else regular, fill=fg)
            if underline:
                draw.line([px, py + cell_h - 2, px + cell_w - 1, py + cell_h - 2], fill=fg)
    image.save(out)


def draw_box(draw, char, px, py, w, h, colour):
    """Box-drawing characters as lines, so borders join across cells."""
    cx, cy = px + w // 2, py + h // 2
    right, left, down, up = (px + w - 1, cy), (px, cy), (cx, py + h - 1), (cx, py)
    segments = {
        "─": [left, right], "│": [up, down], "┌": [right, down], "┐": [left, down], "└": [right, up], "┘": [left, up],
        "├": [up, down, right], "┤": [up, down, left], "┬": [left, right, down], "┴": [left, right, up],
        "┼": [left, right, up, down],
    }
    if char == "┊":
        for step in range(py + 1, py + h, 4):
            draw.line([cx, step, cx, min(step + 1, py + h - 1)], fill=colour)
        return
    for end in segments.get(char, []):
        draw.line([cx, cy, end[0], end[1]], fill=colour)


if __name__ == "__main__":
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    with open(sys.argv[1], encoding="utf-8", errors="replace") as handle:
        capture = handle.read()
    render(parse(capture, int(sys.argv[3]), int(sys.argv[4])), sys.argv[2])
