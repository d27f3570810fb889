package poslink

import "context"

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
		Response:  Response{Result: ResultSuccess},
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
	d := Diagnosis{Log: r.LogTail}
	if r.POIStatus != nil {
		d.Status = r.POIStatus.GlobalStatus
	}
	return d, nil
}
