#!/usr/bin/env bash
# The man pages: swift-argument-parser's generate-manual on the built binary (NAME, SYNOPSIS,
# DESCRIPTION and the options, from the commands' own help text), then the hand-written
# sections from docs/man/<command>.mdoc (ENVIRONMENT, FILES, EXIT STATUS, EXAMPLES, SEE ALSO)
# in place of the generated EXIT STATUS and SEE ALSO.
#
#   scripts/manpages.sh BINARY OUTDIR          writes OUTDIR/cfgtui.1 and OUTDIR/cfgtui-<command>.1
#   scripts/manpages.sh --check-examples BINARY
#                                              runs every "$ " line of the fragments' EXAMPLES
#
# Pages are made for cfgtui and every subcommand `cfgtui --help` lists. The hidden ones are
# left out: bench-views and bench-simulate are developer benchmarks (README "Benchmarks"), not
# something an installed cfgtui is used for, and `help` is what the pages replace. A listed
# subcommand without a fragment, or a fragment without a subcommand, is an error.
#
# generate-manual is built once (debug, offline: the argument-parser checkout SwiftPM already
# resolved) into .build/generate-manual. The date is SOURCE_DATE_EPOCH's, else the last
# commit's, so the same tree gives the same pages.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH=/opt/swift/usr/bin:$PATH

fragments=docs/man

# The subcommands `cfgtui --help` lists (its SUBCOMMANDS section; "explore (default)" -> explore).
subcommands() {
    "$1" --help | awk '/^SUBCOMMANDS:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { on = 0 }'
}

# Runs each fragment's examples in a fresh directory, in order (later lines may read files
# earlier ones wrote), with BINARY's directory first on PATH. The explorer needs a terminal, so
# an explorer example without --dump-screen runs with `--dump-screen text` added: its options
# and source are checked, one frame is drawn. 0, 4 and 5 (check and diff verdicts) pass.
check_examples() {
    local binary failed=0 count=0
    binary=$(realpath "$1")
    local -a commands
    mapfile -t commands < <(subcommands "$binary")
    for fragment in "$fragments"/*.mdoc; do
        local scratch
        scratch=$(mktemp -d)
        while IFS= read -r line; do
            local example=${line#\$ }
            example=${example//\\e/\\}
            local words=($example) run=$example
            local word=${words[0]}
            [[ $word == *=* ]] && word=${words[1]}
            local verb=${words[1]:-}
            [[ ${words[0]} == *=* ]] && verb=${words[2]:-}
            if [[ $word == cfgtui && $example != *--dump-screen* && $example != *--version* ]] &&
                { [[ -z $verb || $verb == -* || $verb == explore ]]; }; then
                run="$example --dump-screen text"
            fi
            count=$((count + 1))
            local status=0
            (cd "$scratch" && PATH="$(dirname "$binary"):$PATH" bash -o pipefail -c "$run") \
                >"$scratch/.out" 2>"$scratch/.err" </dev/null || status=$?
            if [[ $status != 0 && $status != 4 && $status != 5 ]]; then
                echo "$fragment: exit $status: $example" >&2
                sed 's/^/    /' "$scratch/.err" >&2
                failed=1
            elif [[ ! -s $scratch/.out && $example != *'>'* ]]; then
                echo "$fragment: no output: $example" >&2
                failed=1
            fi
        done < <(awk '/^\.Sh EXAMPLES/ { on = 1; next } /^\.Sh / { on = 0 } on && /^\$ / { print }' "$fragment")
        rm -rf "$scratch"
    done
    [[ $failed == 0 ]] || exit 1
    echo "manpages: $count examples ran ($binary, commands: ${commands[*]})"
}

if [[ ${1:-} == --check-examples ]]; then
    check_examples "${2:?usage: $0 --check-examples BINARY}"
    exit 0
fi

binary=${1:?usage: $0 BINARY OUTDIR}
outdir=${2:?usage: $0 BINARY OUTDIR}
version=$("$binary" --version)

checkout=.build/checkouts/swift-argument-parser
[[ -d $checkout ]] || { echo "manpages: $checkout missing (swift build resolves it)" >&2; exit 1; }
tool_flags=(--package-path "$checkout" --scratch-path .build/generate-manual)
swift build "${tool_flags[@]}" --product generate-manual >/dev/null
tool=$(swift build "${tool_flags[@]}" --show-bin-path)/generate-manual

if [[ -n ${SOURCE_DATE_EPOCH:-} ]]; then
    date=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%d)
else
    date=$(git log -1 --format=%cd --date=format-local:%Y-%m-%d 2>/dev/null || date -u +%Y-%m-%d)
fi

generated=$(mktemp -d)
trap 'rm -rf "$generated"' EXIT
"$tool" "$binary" --multi-page --date "$date" --output-directory "$generated"

mapfile -t commands < <(subcommands "$binary")
[[ ${#commands[@]} -gt 0 ]] || { echo "manpages: no subcommands in $binary --help" >&2; exit 1; }
for fragment in "$fragments"/*.mdoc; do
    name=$(basename "$fragment" .mdoc)
    [[ $name == cfgtui || " ${commands[*]} " == *" $name "* ]] ||
        { echo "manpages: $fragment is for no listed subcommand" >&2; exit 1; }
done

mkdir -p "$outdir"
rm -f "$outdir"/cfgtui*.1
for command in cfgtui "${commands[@]}"; do
    if [[ $command == cfgtui ]]; then source=cfgtui.1 page=cfgtui.1; else source=cfgtui.$command.1 page=cfgtui-$command.1; fi
    [[ -f $generated/$source ]] || { echo "manpages: generate-manual made no $source" >&2; exit 1; }
    [[ -f $fragments/$command.mdoc ]] || { echo "manpages: $fragments/$command.mdoc missing" >&2; exit 1; }
    # .Dt CFGTUI.LIST -> CFGTUI-LIST (the file's name); .Os names the package and version; NAME
    # says cfgtui-list (whatis/lexgrog take no spaces there) and SYNOPSIS cfgtui list; .Nd loses
    # the quotes generate-manual puts round it (mandoc drops them, whatis would show them); an empty
    # line (between help paragraphs) is .Pp; `code` from the help text becomes quoted;
    # everything from the generated EXIT STATUS on (it and SEE ALSO) gives way to the fragment.
    {
        awk -v version="$version" -v command="$command" '
            /^\.Sh "EXIT STATUS"/ { exit }
            /^\.Sh / { section = $2 }
            command != "cfgtui" && section == "NAME" && $0 == ".Nm \"cfgtui " command "\"" { $0 = ".Nm cfgtui-" command }
            command != "cfgtui" && section == "SYNOPSIS" && $0 == ".Nm" { $0 = ".Nm cfgtui Cm " command }
            /^\.Dt / { gsub(/\./, "-", $2); $0 = ".Dt " $2 " " $3 }
            /^\.Nd "/ { sub(/^\.Nd "/, ".Nd "); sub(/"$/, "") }
            /^\.Os/ { $0 = ".Os cfgtui " version }
            /^$/ { print ".Pp"; next }
            { while (match($0, /`[^`]+`/)) $0 = substr($0, 1, RSTART - 1) "\\(lq" substr($0, RSTART + 1, RLENGTH - 2) "\\(rq" substr($0, RSTART + RLENGTH) }
            { print }
        ' "$generated/$source"
        cat "$fragments/$command.mdoc"
    } >"$outdir/$page"
done
echo "manpages: ${#commands[@]} subcommands + cfgtui.1 in $outdir"
