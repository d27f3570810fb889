// Package sandbox is a payment system to test against: accounts with
// balances, one-time payment codes, enrolled faces, payments and a ledger,
// kept in a bbolt database file so that a restart loses nothing.
//
// It speaks payhost's protocol (see payhost.HTTPClient) plus an admin API
// to set up customers:
//
//	POST /accounts                       {"name","currency","balance","phone","limit"} → Account (201)
//	PUT  /accounts/{id}/limit            {"limit"} → Account (0: no limit)
//	GET  /accounts/{id}                  → Account with its balance
//	POST /accounts/{id}/codes            → {"code","expires_at"} (201)
//	POST /accounts/{id}/faces            {"crop_jpeg"} or {"photo_jpeg"} (base64) → Enrolled (201)
//	GET  /v1/face-key                    → {"kem":"X25519","public_key":"<hex>"} (404 without a key)
//	PUT  /admin/terminals/{id}           {"public_key":"<hex>"} → Terminal (replaces a key)
//	GET  /admin/terminals/{id}           → Terminal
//	POST /v1/pay                         payhost.PayRequest → payhost.Payment
//	GET  /v1/pay/{out_trade_no}          → payhost.Payment
//	POST /v1/pay/{out_trade_no}/reverse  → payhost.Payment
//	GET  /phone/{account}                the payer's phone page (HTML)
//	GET  /phone/{account}/payments       → []Held waiting for confirmation
//	POST /phone/{account}/payments/{out_trade_no}/confirm|refuse → payhost.Payment
//
// Amounts and balances are int64 minor units of the account's ISO 4217
// currency. Errors are JSON payhost.ErrorBody; bodies are capped at
// payhost.MaxBodyBytes (an enrolment at MaxEnrolBytes).
//
// Every change of money is one bbolt read-write transaction: the payment
// record, the code's "used" mark, the balance and the ledger entry are
// written together or not at all, and bbolt runs one such transaction at a
// time, so concurrent payments on one account cannot overdraw it. Verify
// checks that each balance is the sum of its ledger.
//
// Binding: /v1/pay requires a payhost.Statement signed by a registered
// terminal that matches the request (amount, currency, order hash,
// credential), fresh (Options.MaxStatementAge) and with a nonce not spent
// by another payment. Otherwise the answer is a FAIL with the reason,
// stored nowhere, and nothing moves. An order hash with a SUCCESS payment
// is paid once: a new out_trade_no for it gets that payment back.
//
// Limits: a code payment above the account's limit is held (USERPAYING)
// until the payer confirms it on the phone page (SUCCESS), refuses it
// (FAIL USER_REFUSED) or Options.UserPayingTTL passes (FAIL
// USERPAYING_EXPIRED); a reversal closes it unpaid. See held.go.
//
// Faces: an enrolment keeps the face's descriptor (Options.Recognizer,
// dlib's network in payhost/facerec), never the image; all descriptors are
// held in memory too and searched 1:N. A terminal pays with
// "face:<token>", its aligned crop sealed to Options.FaceKey for the
// request's terminal and order (payhost.SealFace); the host opens it,
// computes the descriptor, forgets the crop and applies FaceThreshold,
// FaceConfident and FaceMargin: a clear match pays, no match is
// FACE_UNKNOWN, a close call is PHONE_DIGITS_REQUIRED until a new attempt
// carries the right PhoneLast4 (else PHONE_DIGITS_WRONG). A crop sealed
// for another order, terminal or key is CODE_INVALID.
package sandbox
