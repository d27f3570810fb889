package sandbox

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"

	"payterm/firmware/order"
)

// The payer's phone, in the sandbox: one page per account listing the
// payments held for its confirmation, with Confirm and Refuse buttons,
// and the same as a JSON API:
//
//	GET  /phone/{account}                                   HTML page
//	GET  /phone/{account}/payments                          → []Held
//	POST /phone/{account}/payments/{out_trade_no}/confirm   → payhost.Payment
//	POST /phone/{account}/payments/{out_trade_no}/refuse    → payhost.Payment
//
// A payment no longer held answers 409 with its state; another account's
// 404. The page's forms post url-encoded and are sent back to the page.

var phonePage = template.Must(template.New("phone").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>Phone of {{.Account.Name}}</title>
<style>body{font-family:sans-serif;max-width:28em;margin:1em auto}li{margin:1em 0;padding:.5em;border:1px solid #ccc}
.amt{font-size:1.6em;font-weight:bold}button{font-size:1.1em;margin-right:1em}</style></head>
<body><h1>{{.Account.Name}}</h1><p>Balance {{.Balance}}</p>
<h2>Payments to confirm</h2>
{{if not .Held}}<p id="none">Nothing to confirm.</p>{{end}}
<ul>{{range .Held}}<li id="{{.No}}"><div class="amt">{{.Amount}}</div>
<div>{{.Merchant}}</div><div>expires {{.Expires}}</div>
<form method="post" action="{{.Base}}/confirm" style="display:inline"><button>Confirm</button></form>
<form method="post" action="{{.Base}}/refuse" style="display:inline"><button>Refuse</button></form>
</li>{{end}}</ul></body></html>
`))

type phoneRow struct {
	No, Amount, Merchant, Expires, Base string
}

func (h *Host) handlePhonePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("account")
	acct, err := h.Account(r.Context(), id)
	if err != nil {
		writeFailure(w, h.log, err)
		return
	}
	held, err := h.HeldFor(r.Context(), id)
	if err != nil {
		writeFailure(w, h.log, err)
		return
	}
	data := struct {
		Account Account
		Balance string
		Held    []phoneRow
	}{Account: acct, Balance: money(acct.Balance, acct.Currency)}
	for _, p := range held {
		merchant := strings.TrimSpace(p.Description + " · terminal " + p.TerminalID)
		data.Held = append(data.Held, phoneRow{No: p.OutTradeNo, Amount: money(p.Amount, p.Currency),
			Merchant: merchant, Expires: p.ExpiresAt.Format("15:04:05 MST"),
			Base: "/phone/" + url.PathEscape(id) + "/payments/" + url.PathEscape(p.OutTradeNo)})
	}
	hd := w.Header()
	hd.Set("Content-Type", "text/html; charset=utf-8")
	hd.Set("Cache-Control", "no-store")
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'")
	if err := phonePage.Execute(w, data); err != nil {
		h.log.Warn("phone page", "account", id, "err", err)
	}
}

func (h *Host) handlePhoneHeld(w http.ResponseWriter, r *http.Request) {
	held, err := h.HeldFor(r.Context(), r.PathValue("account"))
	if err != nil {
		writeFailure(w, h.log, err)
		return
	}
	if held == nil {
		held = []Held{}
	}
	writeJSON(w, http.StatusOK, held)
}

func (h *Host) handlePhoneConfirm(w http.ResponseWriter, r *http.Request) { h.phoneDecide(w, r, true) }
func (h *Host) handlePhoneRefuse(w http.ResponseWriter, r *http.Request)  { h.phoneDecide(w, r, false) }

// phoneDecide confirms or refuses; a form post from the page goes back to
// the page, which shows what became of it.
func (h *Host) phoneDecide(w http.ResponseWriter, r *http.Request, confirm bool) {
	id, no := r.PathValue("account"), r.PathValue("out_trade_no")
	decide := h.Refuse
	if confirm {
		decide = h.Confirm
	}
	p, err := decide(r.Context(), id, no)
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		http.Redirect(w, r, "/phone/"+url.PathEscape(id), http.StatusSeeOther)
		return
	}
	if err != nil {
		writeFailure(w, h.log, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

func (h *Host) handleSetLimit(w http.ResponseWriter, r *http.Request) {
	var n NewLimit
	err := decodeStrict(r.Body, &n)
	if err == nil {
		var acct Account
		if acct, err = h.SetLimit(r.Context(), r.PathValue("id"), n.Limit); err == nil {
			writeJSON(w, http.StatusOK, acct)
			return
		}
	}
	writeFailure(w, h.log, err)
}

// money shows minor units of currency for people.
func money(minor int64, currency string) string {
	cur, err := order.LookupCurrency(currency)
	if err != nil {
		return currency
	}
	return order.Display(minor, cur)
}
