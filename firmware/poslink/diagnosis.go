package poslink

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	bolt "go.etcd.io/bbolt"
)

// maxLogTail bounds the log lines one DiagnosisResponse carries.
const maxLogTail = 500

// diagnosis answers a DiagnosisRequest. It changes nothing, so it is not
// recorded in the ServiceID store. The log goes out only under a link
// key: it names sales and devices.
func (s *Server) diagnosis(r *request) []byte {
	if r.key == nil {
		return s.failure(r, CondNotAllowed, "diagnosis needs an encrypted request")
	}
	d := Diagnosis{}
	if s.cfg.Diagnose != nil {
		d = s.cfg.Diagnose()
	}
	if d.Status == "" {
		d.Status = "OK"
	}
	if len(d.Log) > maxLogTail {
		d.Log = d.Log[len(d.Log)-maxLogTail:]
	}
	return s.encodeReply(r, "DiagnosisResponse", DiagnosisResponse{
		Response:  Response{Result: ResultSuccess, AdditionalResponse: formatHealth(d.Health)},
		POIStatus: &POIStatus{GlobalStatus: d.Status},
		LogTail:   d.Log,
	})
}

func (r *DiagnosisResponse) succeeded() bool { return r.Response.Result == ResultSuccess }

// Diagnosis asks the terminal for its status and the tail of its log.
func (c *Client) Diagnosis(ctx context.Context, saleID, serviceID string) (Diagnosis, error) {
	r := new(DiagnosisResponse)
	if err := c.exchange(ctx, saleID, serviceID, CategoryDiagnosis, DiagnosisRequest{}, r); err != nil {
		return Diagnosis{}, err
	}
	if r.Response.Result != ResultSuccess {
		return Diagnosis{}, responseError(CategoryDiagnosis, r.Response)
	}
	d := Diagnosis{Log: r.LogTail, Health: ParseHealth(r.Response.AdditionalResponse)}
	if r.POIStatus != nil {
		d.Status = r.POIStatus.GlobalStatus
	}
	return d, nil
}

// HealthCheck is one part of the terminal as a Diagnosis reports it:
// "storage", "keys", "scanner", "camera", "boot-slot", "journal",
// "interrupted". On the wire each is one AdditionalResponse pair,
// name=ok:<detail> or name=fail:<detail>, in order: a field Adyen's POS
// libraries pass through.
type HealthCheck struct {
	Name   string
	OK     bool
	Detail string // readable: "persistent (/data/terminal)", "data partition missing: running from tmpfs"
}

func (h HealthCheck) String() string {
	st := "fail"
	if h.OK {
		st = "ok"
	}
	return fmt.Sprintf("%s=%s:%s", h.Name, st, h.Detail)
}

// formatHealth writes checks as AdditionalResponse pairs, in order.
func formatHealth(checks []HealthCheck) string {
	var kv []string
	for _, h := range checks {
		st := "fail:"
		if h.OK {
			st = "ok:"
		}
		kv = append(kv, h.Name, st+h.Detail)
	}
	return formatAdditional(kv...)
}

// ParseHealth reads the checks of a DiagnosisResponse's
// AdditionalResponse, in order. Pairs that are not checks (no "ok:" or
// "fail:" value, or malformed) are skipped.
func ParseHealth(s string) []HealthCheck {
	var out []HealthCheck
	for _, pair := range strings.Split(s, "&") {
		name, value, ok := strings.Cut(pair, "=")
		if !ok {
			continue
		}
		n, err1 := url.QueryUnescape(name)
		v, err2 := url.QueryUnescape(value)
		st, detail, ok := strings.Cut(v, ":")
		if err1 != nil || err2 != nil || !ok || n == "" || (st != "ok" && st != "fail") {
			continue
		}
		out = append(out, HealthCheck{Name: n, OK: st == "ok", Detail: detail})
	}
	return out
}

// SetDiagnose replaces ServerConfig.Diagnose. Call it before the server
// serves: it is not synchronized with requests.
func (s *Server) SetDiagnose(f func() Diagnosis) { s.cfg.Diagnose = f }

// Interrupted counts the unexpired requests a restart interrupted
// (StateInterrupted): sales whose outcome the link does not know, which
// the POS must reconcile with the payment system.
func (s *Store) Interrupted() (int, error) {
	es, err := s.interrupted("")
	return len(es), err
}

// interrupted lists the unexpired interrupted entries of category (any
// when "").
func (s *Store) interrupted(category string) ([]Entry, error) {
	now := s.now()
	var out []Entry
	err := s.db.View(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketServices)).ForEach(func(k, v []byte) error {
			e, err := decodeEntry(k, v)
			if err == nil && e.State == StateInterrupted && !s.expired(e, now) && (category == "" || e.Category == category) {
				out = append(out, e)
			}
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("poslink: store interrupted: %w", err)
	}
	return out, nil
}
