#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# pag's bash completion, as installed (build/share/bash-completion/pag,
# generated from the command table): what a user gets on TAB.

. "$(dirname "$0")/../lib/common.sh"

plan 11

script=$build/share/bash-completion/pag
check "the build generated it" test -s "$script"
check "bash parses it" bash -n "$script"

# complete WORD...: the candidates bash offers for the last word
complete_words()
{
	bash -c '. "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_pag; printf "%s\n" "${COMPREPLY[@]}" | sort | xargs' \
		sh "$script" "$@"
}

# Every command of `pag --help` completes, and nothing else does.
commands=$("$bin/pag" --help | sed -n 's/^  \([a-z][a-z-]*\)\( .*\)\?$/\1/p' | sort -u | xargs)
check_eq "first word: every command in pag --help, and the global options" \
	"$(printf '%s\n' --help --version $commands | sort | xargs)" \
	"$(complete_words pag '')"
check_eq "a prefix narrows it" "token tokens" "$(complete_words pag tok)"
check_eq "a command's options" "--count --json" "$(complete_words pag monitor --)"
check_eq "subcommands first" "add del" "$(complete_words pag token '')"
check_eq "then the subcommand's own options" "--name --pag --type" \
	"$(complete_words pag token del --)"
check_eq "the pagd options come before a subcommand too" \
	"--address --json --system bind unbind" "$(complete_words pag creds '')"
check_eq "bpf unload: --purge" "--purge" "$(complete_words pag bpf unload --p)"
check "after --, commands" \
	grep -qx true <<<"$(complete_words pag new -- tru | tr ' ' '\n')"
run "$bin/pag" completion zsh
check_eq "unknown shell refused" \
	"64 pag completion: unknown shell 'zsh' (known: bash)" \
	"$rc $(head -1 <<<"$err")"
