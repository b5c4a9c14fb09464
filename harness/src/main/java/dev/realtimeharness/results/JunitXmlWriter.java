package dev.realtimeharness.results;

import dev.realtimeharness.gate.Check;
import dev.realtimeharness.gate.Verdict;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import javax.xml.stream.XMLOutputFactory;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamWriter;

/**
 * {@code junit.xml}: one test case per gate check, so any CI system shows each check as a passed or failed test;
 * a failure carries the limit and the actual value.
 */
public final class JunitXmlWriter {
    private JunitXmlWriter() {
    }

    public static void write(Path file, String suiteName, Verdict verdict, double durationSeconds) throws IOException {
        byte[] xml = toXml(suiteName, verdict, durationSeconds).getBytes(StandardCharsets.UTF_8);
        AtomicFiles.write(file, out -> out.write(xml));
    }

    public static String toXml(String suiteName, Verdict verdict, double durationSeconds) {
        StringWriter out = new StringWriter();
        try {
            XMLStreamWriter x = XMLOutputFactory.newFactory().createXMLStreamWriter(out);
            x.writeStartDocument("UTF-8", "1.0");
            x.writeCharacters("\n");
            x.writeStartElement("testsuite");
            x.writeAttribute("name", suiteName);
            x.writeAttribute("tests", Integer.toString(verdict.checks().size()));
            x.writeAttribute("failures", Integer.toString(verdict.failures().size()));
            x.writeAttribute("errors", "0");
            x.writeAttribute("skipped", "0");
            x.writeAttribute("time", String.format(Locale.ROOT, "%.3f", durationSeconds));
            for (Check c : verdict.checks()) {
                x.writeCharacters("\n  ");
                x.writeStartElement("testcase");
                x.writeAttribute("classname", "gate." + suiteName);
                x.writeAttribute("name", c.name());
                x.writeAttribute("time", "0");
                if (!c.passed()) {
                    x.writeStartElement("failure");
                    x.writeAttribute("message", c.describe());
                    x.writeAttribute("type", "GateCheckFailed");
                    x.writeCharacters(String.format(Locale.ROOT, "limit: %s%nactual: %s%n", plain(c.limit()),
                            plain(c.actual())));
                    x.writeEndElement();
                }
                x.writeEndElement();
            }
            x.writeCharacters("\n");
            x.writeEndElement();
            x.writeCharacters("\n");
            x.writeEndDocument();
            x.close();
        } catch (XMLStreamException e) {
            throw new IllegalStateException("cannot write junit.xml", e);
        }
        return out.toString();
    }

    private static String plain(double d) {
        return d == Math.rint(d) && !Double.isInfinite(d) ? String.format(Locale.ROOT, "%.0f", d)
                : String.format(Locale.ROOT, "%.3f", d);
    }
}
