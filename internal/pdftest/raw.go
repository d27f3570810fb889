package pdftest

import "fmt"

// OnePage is a minimal one-page PDF whose page object is page (PDF
// syntax), for documents no PDF library would write.
func OnePage(page string) []byte {
	objs := []string{"<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>", page}
	out := "%PDF-1.4\n"
	var offs []int
	for i, o := range objs {
		offs = append(offs, len(out))
		out += fmt.Sprintf("%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := len(out)
	out += fmt.Sprintf("xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, o := range offs {
		out += fmt.Sprintf("%010d 00000 n \n", o)
	}
	return []byte(out + fmt.Sprintf("trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref))
}

// AbortsMuPDF opens in MuPDF 1.23 (go-fitz v1.23.7) but aborts the
// process that loads its page: the page is its own parent. Only ever
// give it to a renderer process.
func AbortsMuPDF() []byte {
	return OnePage("<< /Type /Page /Parent 3 0 R /MediaBox [0 0 100 100] /Resources << /Font << /F1 3 0 R >> >> >>")
}
