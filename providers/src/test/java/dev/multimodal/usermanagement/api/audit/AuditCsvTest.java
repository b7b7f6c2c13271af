package dev.multimodal.usermanagement.api.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class AuditCsvTest {

    private static String cell(String value) {
        return AuditCsv.cell(new StringBuilder(), value).toString();
    }

    @Test
    void formulaStartsAreNeutralised() {
        assertEquals("'=1+1", cell("=1+1"));
        assertEquals("'+1", cell("+1"));
        assertEquals("'-1", cell("-1"));
        assertEquals("'@SUM(A1)", cell("@SUM(A1)"));
        assertEquals("'\t=cmd", cell("\t=cmd"));
        assertEquals("\"'\r=cmd\"", cell("\r=cmd"), "quoted for the CR, neutralised inside");
    }

    @Test
    void ordinaryCellsStayAsTheyAre() {
        assertEquals("LOGIN", cell("LOGIN"));
        assertEquals("a=b", cell("a=b"));
        assertEquals("\"a,b\"", cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", cell("say \"hi\""));
        assertEquals("", cell(null));
    }

    @Test
    void ndjsonLinesCannotBeSplitBySeparators() {
        String line = dev.multimodal.usermanagement.audit.AuditLogLine.lineSafe("{\"a\":\"x\u2028y\u2029z\u0085w\"}");
        assertEquals("{\"a\":\"x\\u2028y\\u2029z\\u0085w\"}", line);
    }
}
