package dev.picspace.gateway.oss;

import dev.picspace.domain.ObjectUploads;

import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * The body of CompleteMultipartUpload (OSS API reference, "CompleteMultipartUpload"):
 * {@code <CompleteMultipartUpload><Part><PartNumber>1</PartNumber><ETag>"…"</ETag></Part>…</CompleteMultipartUpload>},
 * as the OSS SDK's {@code CompleteMultipartUploadRequestMarshaller} writes it. Read with StAX with
 * DTDs and external entities off (no XXE; without a DTD only the five predefined entities exist), from a
 * body the caller has bounded.
 * Anything else is {@code MalformedXML}, as on OSS; order and ETags are checked by the domain.
 */
final class CompleteMultipartUploadXml {
    /** 10,000 parts of about 80 bytes each, with room to spare. */
    static final int MAX_BODY_BYTES = 2 * 1024 * 1024;

    private static final XMLInputFactory FACTORY = XMLInputFactory.newFactory();

    static {
        FACTORY.setProperty(XMLInputFactory.SUPPORT_DTD, false);
        FACTORY.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
        FACTORY.setProperty(XMLInputFactory.IS_COALESCING, true);
    }

    private CompleteMultipartUploadXml() {}

    static List<ObjectUploads.PartRef> parse(byte[] body) {
        List<ObjectUploads.PartRef> parts = new ArrayList<>();
        try {
            XMLStreamReader r = FACTORY.createXMLStreamReader(new ByteArrayInputStream(body));
            try {
                if (r.nextTag() != XMLStreamConstants.START_ELEMENT || !"CompleteMultipartUpload".equals(r.getLocalName()))
                    throw malformed("the root element must be CompleteMultipartUpload");
                while (r.nextTag() == XMLStreamConstants.START_ELEMENT) {
                    if (!"Part".equals(r.getLocalName())) throw malformed("unexpected element " + r.getLocalName());
                    if (parts.size() == ObjectUploads.MAX_PART_NUMBER)
                        throw malformed("more than " + ObjectUploads.MAX_PART_NUMBER + " parts");
                    parts.add(part(r));
                }
                while (r.hasNext()) r.next(); // the rest must be well-formed too (only comments/space may follow)
            } finally {
                r.close();
            }
        } catch (XMLStreamException e) {
            throw malformed("the body is not well-formed XML: " + e.getMessage());
        }
        if (parts.isEmpty()) throw malformed("CompleteMultipartUpload lists no Part");
        return parts;
    }

    /** One {@code <Part>}: its PartNumber and ETag, in either order, each exactly once. */
    private static ObjectUploads.PartRef part(XMLStreamReader r) throws XMLStreamException {
        Integer number = null;
        String etag = null;
        while (r.nextTag() == XMLStreamConstants.START_ELEMENT) {
            String name = r.getLocalName();
            String text = r.getElementText().strip();
            switch (name) {
                case "PartNumber" -> {
                    if (number != null) throw malformed("a Part has two PartNumbers");
                    try {
                        number = Integer.parseInt(text);
                    } catch (NumberFormatException e) {
                        throw malformed("PartNumber '" + text + "' is not a number");
                    }
                }
                case "ETag" -> {
                    if (etag != null) throw malformed("a Part has two ETags");
                    // quoted as OSS hands ETags out (the SDK sends "\"…\"", XML-escaped or not)
                    etag = text.length() >= 2 && text.startsWith("\"") && text.endsWith("\"") ? text.substring(1, text.length() - 1) : text;
                }
                default -> throw malformed("unexpected element " + name + " in Part");
            }
        }
        if (number == null || etag == null) throw malformed("every Part needs a PartNumber and an ETag");
        return new ObjectUploads.PartRef(number, etag);
    }

    private static OssErrorException malformed(String why) {
        return new OssErrorException(400, "MalformedXML", "The XML you provided was not well-formed or did not validate: " + why);
    }
}
