#!/usr/bin/env bash
# make run: the virtual terminal, the sandbox payment host and a demo POS
# on loopback. Works with or without a terminal on standard input; Ctrl-C
# (or SIGTERM) stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=out/run
mkdir -p "$dir"

pids=()
stop() {
  trap - EXIT INT TERM
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap stop EXIT
trap 'exit 130' INT TERM

# The payment host accepts only payments the terminal signed: register
# the virtual terminal's key (the same configuration as below).
identity=$(bin/payterm -board sim -data "$dir/terminal" -identity)
read -r poiid _ pubkey <<<"$identity"
# Face payments: the host's face key is a development key, made on first
# run (dev-face-key); terminals seal face crops to its public half
# (GET /v1/face-key).
bin/payhost -listen 127.0.0.1:8090 -db "$dir/payhost.db" -terminal "$poiid=$pubkey" \
  -face-key "$dir/dev-face-key" -face-key-create >"$dir/payhost.log" 2>&1 &
pids+=($!)
bin/payterm -board sim -data "$dir/terminal" 2>"$dir/terminal.log" &
pids+=($!)

up() { (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null; }
for i in $(seq 1 100); do
  for p in "${pids[@]}"; do
    if ! kill -0 "$p" 2>/dev/null; then
      echo "make run: a service did not start (is another payterm running on 8080/8443/8090?):" >&2
      tail -n 5 "$dir"/payhost.log "$dir"/terminal.log >&2
      exit 1
    fi
  done
  if up 8443 && up 8080 && up 8090; then break; fi
  sleep 0.1
done

cat <<MSG
payterm is running (logs in $dir/):
  virtual terminal   http://127.0.0.1:8080/   (the screen; click to touch)
  nexo link          https://127.0.0.1:8443/nexo  KeyIdentifier payterm-dev, KeyVersion 1,
                     passphrase payterm-dev-passphrase, POIID PT1-0001  (DEV keys)
  payment host       http://127.0.0.1:8090/   (terminal $poiid's key registered)
MSG

# The demo POS reads Enter presses from standard input; without one it
# simply keeps the terminal and host up until stopped.
# It keeps this script's standard input (0<&0: a background job would get
# /dev/null), and the script waits for it so that a SIGTERM sent to the
# script alone still stops everything.
bin/pos demo -terminal https://127.0.0.1:8443/nexo -payhost http://127.0.0.1:8090 -pairing "$dir/pos-pairing.json" 0<&0 &
pids+=($!)
wait "$!"
