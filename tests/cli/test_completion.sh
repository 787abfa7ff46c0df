#!/bin/sh
# The bash completion: the script the build generated (next to svcctl, in
# completion/svcctl) is what svcctl --completion bash prints; sourced in
# bash it registers _svcctl, which completes verbs, exactly the options of
# the typed verb, signal names after -s, files after -p, directories after
# -d and a command after "--".
set -eu
. "$(dirname "$0")/lib.sh"

command -v bash >/dev/null 2>&1 || {
	echo "SKIP: bash is not installed"
	exit 77
}
COMP=$(dirname "$SVCCTL")/completion/svcctl
VERBS="start stop status reload restart list cleanup run"

[ -f "$COMP" ] || fail "the build generated no completion script at $COMP"
"$SVCCTL" --completion bash >"$T/comp" || fail "svcctl --completion bash failed"
cmp -s "$COMP" "$T/comp" || fail "$COMP differs from svcctl --completion bash"
# the options of svcctl itself are read with getopt_long, so --opt=value works too
"$SVCCTL" --completion=bash >"$T/comp2" || fail "svcctl --completion=bash failed"
cmp -s "$COMP" "$T/comp2" || fail "svcctl --completion=bash differs from svcctl --completion bash"
expect_rc 2 "$SVCCTL" --completion
grep -q "it needs SHELL" "$T/err" || fail "svcctl --completion without SHELL does not say it needs one"
expect_rc 2 "$SVCCTL" --completion zsh
bash -n "$T/comp" || fail "the completion script does not parse"
if command -v shellcheck >/dev/null 2>&1; then
	shellcheck -s bash "$T/comp" || fail "shellcheck finds fault with the completion script"
fi

# comp_words WORD...: what _svcctl offers for the command line WORD... (the
# last word being completed), one per line, sorted, into $T/reply.
comp_words() {
	# shellcheck disable=SC2016 # the bash code expands in bash, not here
	bash -c '. "$0"; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _svcctl
		printf "%s\n" "${COMPREPLY[@]}"' "$T/comp" "$@" | sed '/^$/d' | sort >"$T/reply"
}

# has_reply WORD: did the last completion offer WORD?
has_reply() {
	grep -qxF -- "$1" "$T/reply"
}

# shellcheck disable=SC2016
bash -c '. "$0"; complete -p svcctl' "$T/comp" >"$T/spec" || fail "complete -p svcctl: nothing registered"
grep -q -- "-F _svcctl svcctl" "$T/spec" || fail "complete -p svcctl: $(cat "$T/spec")"
ok "complete -p svcctl: $(cat "$T/spec")"

# the verb position offers every verb, and only verbs
comp_words svcctl ""
for verb in $VERBS; do
	has_reply "$verb" || fail "verb position does not offer $verb: $(tr '\n' ' ' <"$T/reply")"
done
[ "$(wc -l <"$T/reply")" -eq 8 ] || fail "verb position offers more than the verbs: $(tr '\n' ' ' <"$T/reply")"
comp_words svcctl --v
[ "$(cat "$T/reply")" = --version ] || fail "svcctl --v completes to $(cat "$T/reply")"

# stop --s: stop's options starting with --s, none of start's own
comp_words svcctl stop --s
has_reply --signal || fail "stop --s does not offer --signal: $(tr '\n' ' ' <"$T/reply")"
has_reply --stale-age || fail "stop --s does not offer --stale-age"
"$SVCCTL" stop --list-options >"$T/stop.opts"
"$SVCCTL" start --list-options >"$T/start.opts"
grep -vxF -f "$T/stop.opts" "$T/start.opts" >"$T/start.only" || true
[ -s "$T/start.only" ] || fail "start has no option stop lacks"
comp_words svcctl stop --
grep -xF -f "$T/start.only" "$T/reply" && fail "stop offers start's options"
ok "stop offers $(wc -l <"$T/reply") options, none of start's $(wc -l <"$T/start.only") own"

# every verb offers exactly the options of its --list-options
for verb in $VERBS; do
	comp_words svcctl "$verb" -
	"$SVCCTL" "$verb" --list-options | sort >"$T/want"
	[ -s "$T/want" ] || fail "$verb --list-options lists nothing"
	cmp -s "$T/want" "$T/reply" ||
		fail "$verb: completion differs from --list-options: $(diff "$T/want" "$T/reply" | tr '\n' ' ')"
done
ok "each verb completes to its own options"

# arguments: signals after -s, files after -p, directories after -d, COMMAND after --
comp_words svcctl stop -s ""
has_reply TERM && has_reply HUP || fail "-s offers no TERM/HUP: $(tr '\n' ' ' <"$T/reply")"
comp_words svcctl reload --signal US
[ "$(tr '\n' ' ' <"$T/reply")" = "USR1 USR2 " ] || fail "--signal US: $(cat "$T/reply")"
mkdir "$T/adir"
: >"$T/afile.pid"
comp_words svcctl status -p "$T/a"
has_reply "$T/afile.pid" || fail "-p does not offer files: $(cat "$T/reply")"
comp_words svcctl list -d "$T/a"
has_reply "$T/adir" && ! has_reply "$T/afile.pid" || fail "-d offers more than directories: $(cat "$T/reply")"
comp_words svcctl run -p "$T/x.pid" -- printenv
has_reply printenv || fail "the word after -- offers no command: $(cat "$T/reply")"
comp_words svcctl run -p "$T/x.pid" -- sh "$T/afi"
has_reply "$T/afile.pid" || fail "COMMAND's arguments are not files: $(cat "$T/reply")"
comp_words svcctl run -w f
[ "$(cat "$T/reply")" = forever ] || fail "-w f: $(cat "$T/reply")"
ok "arguments complete by kind"
finish
