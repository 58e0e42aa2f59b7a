#!/usr/bin/env python3
"""Holds src/ to two rules of docs/ARCHITECTURE.md and prints every offence (exit 1 if any):

1. Size: no file over 500 lines, no function over 80 lines. A function is a brace block at
   namespace or class level whose head ends in ')' (with qualifiers such as const, override,
   noexcept or a trailing return type); lambdas count with the function that holds them.
2. Spelling: the wire names of src/protocol/names.h (headers, methods, notifications) and the
   MCP error codes (-32xxx) appear as literals only in src/protocol/.
3. JSON text is parsed with mcpgw::parse_json (src/common/json_parse.h), never json::parse or a
   json::parser: Boost.JSON 1.81's own reads doubles up to one unit in the last place off.
  scripts/check_source.py [SRC_DIR]
"""
import pathlib
import re
import sys

MAX_FILE, MAX_FUNCTION = 500, 80
HEAD = re.compile(r"\)\s*(const|override|final|noexcept|mutable|->[^;{}]*|\s)*$")


def strip(text):
    # Comments, strings and character literals, replaced by spaces so that line numbers hold.
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i)); i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j])); i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) + len(m.group(1)) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:end])); i = end
        elif c == "'" and i > 0 and text[i - 1].isalnum() and text[i + 1:i + 2].isalnum():
            out.append(c); i += 1  # a digit separator (30'000)
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (j + 1 - i)); i = j + 1
        else:
            out.append(c); i += 1
    return "".join(out)


def functions(path):
    text = strip(path.read_text())
    stack, found = [], []  # stack: (kind, start line)
    line, head_start = 1, 0
    for pos, c in enumerate(text):
        if c == "\n":
            line += 1
        elif c == "{":
            head = text[head_start:pos]
            inside_function = any(k == "function" for k, _ in stack)
            is_function = not inside_function and HEAD.search(head.rstrip()) is not None \
                and not re.search(r"\b(if|for|while|switch|catch)\s*\(", head.split(";")[-1])
            stack.append(("function" if is_function else "block", line))
            head_start = pos + 1
        elif c == "}":
            if stack:
                kind, start = stack.pop()
                if kind == "function":
                    found.append((start, line - start + 1))
            head_start = pos + 1
        elif c == ";":
            head_start = pos + 1
    return found


def wire_names(src):
    names = src / "protocol" / "names.h"
    return set(re.findall(r'std::string_view k\w+ = "([^"]+)";', names.read_text()))


def spelling(path, names):
    bad = []
    for number, line in enumerate(path.read_text().split("\n"), 1):
        code = line.split("//")[0]
        for literal in re.findall(r'"((?:[^"\\]|\\.)*)"', code):
            if literal in names:
                bad.append(f'{path}:{number}: "{literal}" is spelled in src/protocol/names.h')
        if re.search(r"-320\d\d\b", code):
            bad.append(f"{path}:{number}: an MCP error code belongs in src/protocol/errors.h")
    return bad


def json_parsing(path):
    if path.name == "json_parse.cpp":
        return []
    text = strip(path.read_text())
    return [f"{path}:{number}: parse JSON with parse_json (src/common/json_parse.h)"
            for number, line in enumerate(text.split("\n"), 1)
            if re.search(r"\bjson::(parse\s*\(|(stream_)?parser\b)", line)]


def main():
    src = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "src")
    names = wire_names(src)
    bad = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".cpp", ".h"):
            continue
        if path.parent.name != "protocol":
            bad += spelling(path, names)
        bad += json_parsing(path)
        lines = path.read_text().count("\n")
        if lines > MAX_FILE:
            bad.append(f"{path}: {lines} lines (at most {MAX_FILE})")
        for start, length in functions(path):
            if length > MAX_FUNCTION:
                bad.append(f"{path}:{start}: function of {length} lines (at most {MAX_FUNCTION})")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
