# Sourced (BASH_ENV) before a published curl sample: `curl` becomes a function that runs the real
# curl with the sample's own arguments, records the answer's status, method and URL in
# $PUBLISHED_PAGE_RECORD/requests.tsv (body kept beside it), and prints the body as curl would.
curl() {
  local body status
  body=$(mktemp "$PUBLISHED_PAGE_RECORD/body.XXXXXX") || return
  status=$(command curl -sS -o "$body" -w '%{http_code}\t%{method}\t%{url_effective}' "$@") || return
  printf '%s\t%s\n' "$status" "$body" >>"$PUBLISHED_PAGE_RECORD/requests.tsv"
  cat "$body"
}
