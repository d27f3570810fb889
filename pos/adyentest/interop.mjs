// interop.mjs drives a payterm terminal with Adyen's own Node library
// (@adyen/api-library, TerminalLocalAPI), written the way a POS integrator
// writes it, so that the Go system test can prove wire compatibility.
//
// Usage: node interop.mjs '<plan JSON>'   (or the plan as stdin's first line)
//
// Plan fields:
//   endpoint         "https://<terminal IP>"; the library itself appends
//                    ":8443/nexo/", so the terminal must listen on 8443.
//   certificatePath  PEM of the CA that issued the terminal's certificate.
//   poiid, saleId    MessageHeader POIID and SaleID.
//   orderId          SaleTransactionID.TransactionID of the payment(s);
//                    missing: one is made up per payment.
//   currency         ISO 4217 code; exponent is its minor-unit digits (2).
//   items            [{productCode, label, quantity, unitPrice, unit?}]:
//                    quantity a positive integer, unitPrice in minor units.
//   key              {KeyIdentifier, KeyVersion, Passphrase}
//   timeoutMs        the library's connectionTimeoutMillis (a payment
//                    waits for the customer).
//   steps            any of "payment", "transactionStatus", "abort",
//                    "relay", in order. "transactionStatus" asks about the
//                    preceding "payment". "abort" starts a payment, prints
//                    {"event":"payment-sent"}, waits for a line on stdin,
//                    then aborts the payment from a second Client.
//                    "relay" sends a PaymentRequest marked for relay
//                    (SaleToAcquirerData payterm.mode=relay), reads the
//                    captured credential from AdditionalResponse, checks
//                    the terminal's Ed25519 signature with terminalKey and
//                    prints {"step":"relay", ..., "relay":{...}}; then it
//                    waits for a line on stdin, "accepted" or "declined"
//                    (how the POS's charge ended), and sends that outcome
//                    as a DisplayRequest: {"step":"outcome", ...}.
//   terminalKey      the terminal's Ed25519 public key, hex (relay): what a
//                    POS learned when it paired.
//
// Output: one JSON object per line on stdout: {"step", "request", "response"}
// with the library's TerminalApiResponse as it returned it, or {"step",
// "error"}. Amounts in "request" are minor units. Exit status 1 when a step
// threw.

import { createPublicKey, randomBytes, verify } from "node:crypto";
import { createInterface } from "node:readline";
import adyen from "@adyen/api-library";

const { Client, Config, EnvironmentEnum, TerminalLocalAPI, Types } = adyen;
const T = Types.terminal;

const lines = createInterface({ input: process.stdin, terminal: false });
const waiting = [];
const queued = [];
lines.on("line", (l) => (waiting.length ? waiting.shift()(l) : queued.push(l)));
lines.on("close", () => { while (waiting.length) waiting.shift()(null); queued.push(null); });

// nextLine resolves to stdin's next line, or null at its end.
function nextLine() {
  if (queued.length) return Promise.resolve(queued[0] === null ? null : queued.shift());
  return new Promise((resolve) => waiting.push(resolve));
}

function emit(obj) {
  process.stdout.write(JSON.stringify(obj) + "\n");
}

// serviceID is unique per SaleID; Adyen allows at most 10 characters.
function serviceID() {
  return randomBytes(8).toString("hex").slice(0, 10);
}

// major writes minor units as the number the library sends: x / 10^exp is
// correctly rounded, and JSON.stringify prints its shortest form ("19.99").
function major(minor, exponent) {
  if (!Number.isSafeInteger(minor)) throw new Error(`amount ${minor} is not an integer of minor units`);
  return minor / 10 ** exponent;
}

function newClient(plan) {
  const config = new Config({
    environment: EnvironmentEnum.TEST,
    terminalApiLocalEndpoint: plan.endpoint,
    certificatePath: plan.certificatePath,
    connectionTimeoutMillis: plan.timeoutMs ?? 30000,
    // The library refuses to send without one; a terminal ignores it.
    apiKey: "local-terminal-api",
  });
  return new TerminalLocalAPI(new Client(config));
}

function header(plan, category, service) {
  return {
    ProtocolVersion: "3.0",
    MessageClass: T.MessageClassType.Service,
    MessageCategory: category,
    MessageType: T.MessageType.Request,
    SaleID: plan.saleId,
    ServiceID: service,
    POIID: plan.poiid,
  };
}

function securityKey(plan) {
  return { AdyenCryptoVersion: 1, ...plan.key };
}

// paymentRequest builds an itemized PaymentRequest: ItemAmount is
// Quantity × UnitPrice and RequestedAmount their sum, all computed in
// minor units first.
function paymentRequest(plan, service, transactionID) {
  const exp = plan.exponent ?? 2;
  let total = 0;
  const items = plan.items.map((it, i) => {
    if (!Number.isInteger(it.quantity) || it.quantity <= 0) throw new Error(`item ${i + 1}: quantity must be a positive integer`);
    const amount = it.quantity * it.unitPrice;
    total += amount;
    const item = {
      ItemID: i + 1,
      ProductCode: it.productCode,
      ProductLabel: it.label,
      Quantity: it.quantity,
      UnitPrice: major(it.unitPrice, exp),
      ItemAmount: major(amount, exp),
    };
    if (it.unit) item.UnitOfMeasure = it.unit;
    return item;
  });
  const req = {
    SaleToPOIRequest: {
      MessageHeader: header(plan, T.MessageCategoryType.Payment, service),
      PaymentRequest: {
        SaleData: {
          SaleTransactionID: { TransactionID: transactionID, TimeStamp: new Date().toISOString() },
        },
        PaymentTransaction: {
          AmountsReq: { Currency: plan.currency, RequestedAmount: major(total, exp) },
          SaleItem: items,
        },
      },
    },
  };
  return { req, summary: { saleId: plan.saleId, serviceId: service, transactionId: transactionID, currency: plan.currency, totalMinor: total } };
}

async function payment(plan, api) {
  const service = serviceID();
  const { req, summary } = paymentRequest(plan, service, plan.orderId ?? `ADY-${service}`);
  const response = await api.request(req, securityKey(plan));
  return { request: summary, response };
}

async function transactionStatus(plan, api, paid) {
  if (!paid) throw new Error("transactionStatus needs a payment step before it");
  const service = serviceID();
  const req = {
    SaleToPOIRequest: {
      MessageHeader: header(plan, T.MessageCategoryType.TransactionStatus, service),
      TransactionStatusRequest: {
        MessageReference: {
          MessageCategory: T.MessageCategoryType.Payment,
          SaleID: paid.saleId,
          ServiceID: paid.serviceId,
        },
      },
    },
  };
  const response = await api.request(req, securityKey(plan));
  return { request: { saleId: plan.saleId, serviceId: service, reference: paid.serviceId }, response };
}

// abortRun starts a payment on one Client and, once told on stdin, sends
// an AbortRequest for it from a second Client (its own connection).
async function abortRun(plan, api) {
  const service = serviceID();
  const { req, summary } = paymentRequest(plan, service, plan.orderId ?? `ADY-${service}`);
  const pending = api.request(req, securityKey(plan)).then(
    (response) => ({ response }),
    (err) => ({ error: String(err?.message ?? err) }),
  );
  emit({ step: "abort", event: "payment-sent", request: summary });
  // A payment that ends before the signal (TLS refused, terminal busy) is
  // reported at once rather than after the caller gives up waiting.
  const first = await Promise.race([nextLine().then((line) => ({ line })), pending.then((paid) => ({ paid }))]);
  if (first.paid) {
    return { request: summary, ...first.paid, error: first.paid.error ?? "the payment ended before the abort signal" };
  }
  if (first.line === null) throw new Error("stdin closed before the signal to abort");

  const second = newClient(plan);
  const abortService = serviceID();
  const abortReq = {
    SaleToPOIRequest: {
      MessageHeader: header(plan, T.MessageCategoryType.Abort, abortService),
      AbortRequest: {
        AbortReason: "MerchantAbort",
        MessageReference: {
          MessageCategory: T.MessageCategoryType.Payment,
          SaleID: plan.saleId,
          ServiceID: service,
        },
      },
    },
  };
  const abortResponse = await second.request(abortReq, securityKey(plan));
  const paid = await pending;
  return {
    request: { ...summary, abortServiceId: abortService },
    abortResponse,
    response: paid.response,
    error: paid.error,
  };
}

// lengthPrefixed appends each field as a 4-byte big-endian length and
// its bytes: the canonical encoding payterm signs.
function lengthPrefixed(fields) {
  const parts = [];
  for (const f of fields) {
    const b = Buffer.isBuffer(f) ? f : Buffer.from(f, "utf8");
    const n = Buffer.alloc(4);
    n.writeUInt32BE(b.length);
    parts.push(n, b);
  }
  return Buffer.concat(parts);
}

// signedMessage is what the terminal's signature covers: the confirmation
// statement (payhost.Statement) when the reply carries one, else the
// credential claim (firmware/attest) over POIID, transaction, order hash,
// method and credential.
function signedMessage(plan, transactionID, rel) {
  if (rel.statement) {
    const st = JSON.parse(Buffer.from(rel.statement, "base64url").toString("utf8"));
    const amount = Buffer.alloc(8);
    amount.writeBigInt64BE(BigInt(st.amount));
    const m = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(st.time);
    if (!m) throw new Error(`statement time ${st.time} is not RFC 3339`);
    const t = Buffer.alloc(12);
    t.writeBigUInt64BE(BigInt(Date.parse(m[1] + m[3]) / 1000));
    t.writeUInt32BE(Number((m[2] ?? "").padEnd(9, "0")), 8);
    return lengthPrefixed(["payterm/statement/v1", st.terminal_id, st.key_id, st.order_hash, amount,
      st.currency, st.credential, st.nonce, t]);
  }
  return lengthPrefixed(["payterm/credential/v1", plan.poiid, transactionID, Buffer.from(rel.orderHash, "hex"),
    rel.method, rel.code]);
}

// checkSignature verifies the relay capture's signature with the paired
// key; it returns an error message, or "" when it verifies.
function checkSignature(plan, transactionID, rel) {
  if (!plan.terminalKey) return "no terminalKey in the plan";
  if (!rel.signature) return "no signature";
  const key = createPublicKey({
    key: { kty: "OKP", crv: "Ed25519", x: Buffer.from(plan.terminalKey, "hex").toString("base64url") },
    format: "jwk",
  });
  const ok = verify(null, signedMessage(plan, transactionID, rel), key, Buffer.from(rel.signature, "base64"));
  return ok ? "" : "signature does not verify";
}

// relayRun asks for the credential through a PaymentRequest marked for
// relay, then tells the terminal how the charge ended.
async function relayRun(plan, api) {
  const service = serviceID();
  const transactionID = plan.orderId ?? `ADY-${service}`;
  const { req, summary } = paymentRequest(plan, service, transactionID);
  req.SaleToPOIRequest.PaymentRequest.SaleData.SaleToAcquirerData = "payterm.mode=relay";
  const response = await api.request(req, securityKey(plan));
  const r = response?.SaleToPOIResponse?.PaymentResponse?.Response;
  const add = new URLSearchParams(r?.AdditionalResponse ?? "");
  const rel = {
    captured: add.get("payterm.relay") === "captured",
    method: add.get("method") ?? "",
    code: add.get("paymentCode") ?? add.get("faceToken") ?? "",
    orderHash: add.get("orderHash") ?? "",
    statement: add.get("statement") ?? "",
    signature: add.get("signature") ?? "",
  };
  rel.verifyError = rel.captured ? checkSignature(plan, transactionID, rel) : "nothing captured";
  emit({ step: "relay", request: summary, response, relay: rel });

  const line = await nextLine();
  if (line !== "accepted" && line !== "declined") throw new Error(`want "accepted" or "declined" on stdin, got ${line}`);
  const outService = serviceID();
  const text = [{ Text: `session:${service}` }];
  if (line === "declined") text.push({ Text: "payment declined" });
  const display = {
    SaleToPOIRequest: {
      MessageHeader: header(plan, T.MessageCategoryType.Display, outService),
      DisplayRequest: {
        DisplayOutput: [{
          Device: "CustomerDisplay",
          InfoQualify: "Display",
          OutputContent: {
            OutputFormat: "MessageRef",
            PredefinedContent: { ReferenceID: line === "accepted" ? "AcceptedAnimated" : "DeclinedAnimated" },
            OutputText: text,
          },
        }],
      },
    },
  };
  const outcome = await api.request(display, securityKey(plan));
  return { step: "outcome", request: { saleId: plan.saleId, serviceId: outService, session: service }, response: outcome };
}

async function main() {
  const arg = process.argv[2] ?? (await nextLine());
  if (!arg) throw new Error("no plan: pass it as the first argument or stdin's first line");
  const plan = JSON.parse(arg);
  const api = newClient(plan);
  let paid = null;
  let failed = false;
  for (const step of plan.steps) {
    try {
      let out;
      switch (step) {
        case "payment":
          out = await payment(plan, api);
          paid = out.request;
          break;
        case "transactionStatus":
          out = await transactionStatus(plan, api, paid);
          break;
        case "abort":
          out = await abortRun(plan, api);
          break;
        case "relay":
          out = await relayRun(plan, api);
          break;
        default:
          throw new Error(`unknown step ${step}`);
      }
      emit({ step, ...out }); // relay: out.step is "outcome"
    } catch (err) {
      failed = true;
      emit({ step, error: String(err?.message ?? err) });
    }
  }
  lines.close();
  process.exitCode = failed ? 1 : 0;
}

main().catch((err) => {
  emit({ step: "plan", error: String(err?.message ?? err) });
  process.exitCode = 1;
  lines.close();
});
