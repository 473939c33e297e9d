// The axios baseline for bench/run: fetch a token, then GET one ticket (or
// the 500-ticket list) one request after another for a fixed time, letting
// axios parse the JSON, as Halo's TypeScript client does. Prints JSON.
const axios = require("axios");
const http = require("http");

async function main() {
  const [url, mode, seconds] = process.argv.slice(2);
  const agent = new http.Agent({ keepAlive: true });
  const tok = await axios.post(url + "/auth/token",
    new URLSearchParams({ grant_type: "client_credentials", client_id: "bench", client_secret: "bench", scope: "all" }),
    { httpAgent: agent });
  const client = axios.create({
    baseURL: url + "/api",
    httpAgent: agent,
    headers: { Authorization: "Bearer " + tok.data.access_token, Accept: "application/json" },
  });
  const path = mode === "list" ? "/Tickets" : "/Tickets/1";
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(Math.round(parseFloat(seconds) * 1e9));
  let ops = 0;
  while (process.hrtime.bigint() < deadline) {
    const r = await client.get(path);
    if (mode === "list" ? r.data.tickets.length !== 500 : r.data.id !== 1) throw new Error("bad response");
    ops++;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  console.log(JSON.stringify({ ops, seconds: elapsed }));
}

main().catch((e) => { console.error(e.message); process.exit(1); });
