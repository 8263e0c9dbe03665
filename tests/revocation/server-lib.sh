# Start and stop the loopback test server (tests/revocation/server.py) from a suite script:
#   source tests/revocation/server-lib.sh
#   start_server NAME PKI DATA [LIFETIME]   # refuses a busy port; waits until it answers
#   stop_server                             # idempotent; call it from the suite's EXIT trap
# Uses $PORT (the test PKI's URLs name it; default 18080) and sets SERVER_PID. The server binds
# 127.0.0.1 only, logs to DATA/server.log and exits by itself after LIFETIME seconds (default 900),
# so a suite that dies cannot leave it behind.

SERVER_PID=

port_open() { (exec 3<> "/dev/tcp/127.0.0.1/$PORT") 2> /dev/null; }

start_server() {
  local name=$1 pki=$2 data=$3 lifetime=${4:-900}
  if port_open; then
    echo "$name: port $PORT on 127.0.0.1 is already in use" >&2
    return 1
  fi
  python3 "$(dirname "${BASH_SOURCE[0]}")/server.py" --pki "$pki" --data "$data" \
    --index "$data/index.txt" --port "$PORT" --lifetime "$lifetime" 2>> "$data/server.log" &
  SERVER_PID=$!
  for _ in $(seq 50); do
    port_open && break
    sleep 0.1
  done
  port_open || { cat "$data/server.log" >&2; return 1; }
}

stop_server() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2> /dev/null || true
    wait "$SERVER_PID" 2> /dev/null || true
    SERVER_PID=
  fi
}
