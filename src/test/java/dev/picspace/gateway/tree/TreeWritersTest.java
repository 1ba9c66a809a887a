package dev.picspace.gateway.tree;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TreeWritersTest {

    static final long BIG_ID = 1088407221979850343L; // top.md §3.2 live capture, > 2^53

    static final ObjectMapper MAPPER = new ObjectMapper();

    static String json(Document d, boolean simplify) { return new String(JsonTreeWriter.write(d, simplify), StandardCharsets.UTF_8); }

    static String xml(Document d) { return new String(XmlTreeWriter.write(d), StandardCharsets.UTF_8); }

    static JsonNode parseJson(byte[] bytes) throws Exception { return MAPPER.readTree(bytes); }

    static org.w3c.dom.Document parseXml(byte[] bytes) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(bytes));
    }

    static ObjectNode picture(long id, String title) {
        return ObjectNode.object().put("picture_id", id).put("title", title).put("referenced", false);
    }

    static Document top(String root, ObjectNode body) { return new Document(root, body, true); }

    static Document vod(String root, ObjectNode body) { return new Document(root, body, false); }

    @Nested
    class Json {
        @Test
        void topRootIsWrappedAndTopListIsDoubleWrapped() {
            ObjectNode body = ObjectNode.object()
                    .put("pictures", ListNode.topList("picture").add(picture(1, "a")).add(picture(2, "b")))
                    .put("totalResults", 2L)
                    .put("request_id", "43fko4ea9sdd");
            assertThat(json(top("picture_get_response", body), false)).isEqualTo(
                    "{\"picture_get_response\":{\"pictures\":{\"picture\":["
                            + "{\"picture_id\":1,\"title\":\"a\",\"referenced\":false},"
                            + "{\"picture_id\":2,\"title\":\"b\",\"referenced\":false}]},"
                            + "\"totalResults\":2,\"request_id\":\"43fko4ea9sdd\"}}");
        }

        @Test
        void emptyTopListIsAnEmptyObject() {
            ObjectNode body = ObjectNode.object().put("pictures", ListNode.topList("picture")).put("totalResults", 0L);
            assertThat(json(top("picture_get_response", body), false))
                    .isEqualTo("{\"picture_get_response\":{\"pictures\":{},\"totalResults\":0}}");
        }

        @Test
        void simplifyDropsTheWrapperAndFlattensTopLists() {
            ObjectNode body = ObjectNode.object()
                    .put("pictures", ListNode.topList("picture").add(ObjectNode.object().put("picture_id", 9L)))
                    .put("totalResults", 1L).put("request_id", "rs");
            assertThat(json(top("picture_get_response", body), true))
                    .isEqualTo("{\"pictures\":[{\"picture_id\":9}],\"totalResults\":1,\"request_id\":\"rs\"}");
            ObjectNode empty = ObjectNode.object().put("pictures", ListNode.topList("picture"));
            assertThat(json(top("picture_get_response", empty), true)).isEqualTo("{\"pictures\":[]}");
        }

        @Test
        void simplifyKeepsErrorResponseWrapped() {
            ObjectNode err = ObjectNode.object().put("code", 27L).put("msg", "Invalid session")
                    .put("sub_code", "invalid-sessionkey").put("request_id", "r1");
            assertThat(json(top("error_response", err), true)).isEqualTo(
                    "{\"error_response\":{\"code\":27,\"msg\":\"Invalid session\",\"sub_code\":\"invalid-sessionkey\",\"request_id\":\"r1\"}}");
            assertThat(json(top("error_response", err), false)).isEqualTo(json(top("error_response", err), true));
        }

        @Test
        void vodBodyFieldsAreTheTopLevel() {
            ObjectNode body = ObjectNode.object().put("RequestId", "R").put("Total", 3L);
            assertThat(json(vod("GetImageInfosResponse", body), false)).isEqualTo("{\"RequestId\":\"R\",\"Total\":3}");
        }

        @Test
        void flatAndWrappedLists() {
            ObjectNode body = ObjectNode.object()
                    .put("ImageInfo", ListNode.flat().add(ObjectNode.object().put("ImageId", "x")))
                    .put("NonExistImageIds", ListNode.wrapped("ImageId").add("a").add("b"))
                    .put("EmptyFlat", ListNode.flat())
                    .put("EmptyWrapped", ListNode.wrapped("Item"));
            assertThat(json(vod("R", body), false)).isEqualTo(
                    "{\"ImageInfo\":[{\"ImageId\":\"x\"}],\"NonExistImageIds\":{\"ImageId\":[\"a\",\"b\"]},"
                            + "\"EmptyFlat\":[],\"EmptyWrapped\":{\"Item\":[]}}");
        }

        @Test
        void sixtyFourBitIdsStayExact() throws Exception {
            ObjectNode body = ObjectNode.object().put("picture", picture(BIG_ID, "t")).put("max", Long.MAX_VALUE);
            byte[] out = JsonTreeWriter.write(top("picture_upload_response", body), false);
            assertThat(new String(out, StandardCharsets.UTF_8)).contains("\"picture_id\":1088407221979850343");
            JsonNode tree = parseJson(out);
            JsonNode id = tree.path("picture_upload_response").path("picture").path("picture_id");
            assertThat(id.isIntegralNumber()).isTrue();
            assertThat(id.bigIntegerValue()).isEqualTo(BigInteger.valueOf(BIG_ID));
            assertThat(tree.path("picture_upload_response").path("max").longValue()).isEqualTo(Long.MAX_VALUE);
        }

        @Test
        void scalarTypes() throws Exception {
            ObjectNode body = ObjectNode.object()
                    .put("s", "text").put("n", 5).put("i", Integer.valueOf(-7)).put("b", true)
                    .put("d", Scalar.of(0.8)).put("whole", Scalar.of(3.0))
                    .put("dec", new Scalar(new java.math.BigDecimal("12.50")))
                    .put("int", new Scalar(Integer.valueOf(42)));
            byte[] out = JsonTreeWriter.write(vod("R", body), false);
            assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(
                    "{\"s\":\"text\",\"n\":5,\"i\":-7,\"b\":true,\"d\":0.8,\"whole\":3.0,\"dec\":12.50,\"int\":42}");
            JsonNode t = parseJson(out);
            assertThat(t.get("b").isBoolean()).isTrue();
            assertThat(t.get("d").doubleValue()).isEqualTo(0.8);
        }

        @Test
        void cjkAndEscaping() throws Exception {
            String tricky = "标题 <&>\" \\ / \n\t\u0001 😀";
            ObjectNode body = ObjectNode.object().put("title", tricky);
            byte[] out = JsonTreeWriter.write(top("picture_update_response", body), false);
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(text).contains("标题").contains("😀"); // raw UTF-8, not \\u escapes
            assertThat(parseJson(out).path("picture_update_response").path("title").textValue()).isEqualTo(tricky);
        }

        @Test
        void loneSurrogateBecomesReplacementCharacter() throws Exception {
            ObjectNode body = ObjectNode.object().put("t", "a\uD800b\uDC00c");
            byte[] out = JsonTreeWriter.write(vod("R", body), false);
            assertThat(parseJson(out).get("t").textValue()).isEqualTo("a\uFFFDb\uFFFDc");
        }

        @Test
        void nestedObjectsAndNestedLists() throws Exception {
            ObjectNode inner = ObjectNode.object().put("Mezzanine", ObjectNode.object().put("FileSize", 558L)
                    .put("Tags", ListNode.wrapped("Tag").add("x")));
            ObjectNode body = ObjectNode.object().put("ImageInfo", inner)
                    .put("matrix", ListNode.flat().add(ListNode.flat().add("a")).add(ListNode.wrapped("v").add("b")));
            byte[] out = JsonTreeWriter.write(vod("R", body), false);
            assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(
                    "{\"ImageInfo\":{\"Mezzanine\":{\"FileSize\":558,\"Tags\":{\"Tag\":[\"x\"]}}},"
                            + "\"matrix\":[[\"a\"],{\"v\":[\"b\"]}]}");
            parseJson(out);
        }

        @Test
        void topListWithoutItemNameIsAProgrammingError() {
            ObjectNode body = ObjectNode.object().put("pictures", new ListNode(null, ListNode.Wrapping.TOP_LIST).add("x"));
            assertThatThrownBy(() -> JsonTreeWriter.write(top("r", body), false))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pictures");
        }
    }

    /** VOD's flat arrays: plain JSON arrays, and in XML one element of the field's name around items of that name. */
    @Nested
    class VodFlat {
        @Test
        void jsonIsAPlainArrayAndXmlWrapsItemsNamedLikeTheField() {
            ObjectNode body = ObjectNode.object().put("RequestId", "R")
                    .put("ImageInfo", ListNode.vodFlat().add(ObjectNode.object().put("ImageId", "a")).add(ObjectNode.object().put("ImageId", "b")))
                    .put("NonExistImageIds", ListNode.vodFlat().add("x"))
                    .put("Empty", ListNode.vodFlat());
            assertThat(json(vod("GetImageInfosResponse", body), false)).isEqualTo(
                    "{\"RequestId\":\"R\",\"ImageInfo\":[{\"ImageId\":\"a\"},{\"ImageId\":\"b\"}],\"NonExistImageIds\":[\"x\"],\"Empty\":[]}");
            assertThat(xml(vod("GetImageInfosResponse", body))).isEqualTo("<?xml version=\"1.0\" encoding=\"utf-8\" ?>"
                    + "<GetImageInfosResponse><RequestId>R</RequestId>"
                    + "<ImageInfo><ImageInfo><ImageId>a</ImageId></ImageInfo><ImageInfo><ImageId>b</ImageId></ImageInfo></ImageInfo>"
                    + "<NonExistImageIds><NonExistImageIds>x</NonExistImageIds></NonExistImageIds><Empty></Empty></GetImageInfosResponse>");
        }
    }

    @Nested
    class Xml {
        @Test
        void topShapeWithListAttribute() throws Exception {
            ObjectNode body = ObjectNode.object()
                    .put("pictures", ListNode.topList("picture").add(picture(1, "a")).add(picture(2, "b")))
                    .put("totalResults", 2L).put("request_id", "rid");
            byte[] out = XmlTreeWriter.write(top("picture_get_response", body));
            assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(
                    "<?xml version=\"1.0\" encoding=\"utf-8\" ?><picture_get_response><pictures list=\"true\">"
                            + "<picture><picture_id>1</picture_id><title>a</title><referenced>false</referenced></picture>"
                            + "<picture><picture_id>2</picture_id><title>b</title><referenced>false</referenced></picture>"
                            + "</pictures><totalResults>2</totalResults><request_id>rid</request_id></picture_get_response>");
            org.w3c.dom.Document dom = parseXml(out);
            assertThat(dom.getDocumentElement().getTagName()).isEqualTo("picture_get_response");
            Element pictures = (Element) dom.getElementsByTagName("pictures").item(0);
            assertThat(pictures.getAttribute("list")).isEqualTo("true");
            assertThat(pictures.getElementsByTagName("picture").getLength()).isEqualTo(2);
        }

        @Test
        void emptyTopListIsAnEmptyContainer() {
            ObjectNode body = ObjectNode.object().put("pictures", ListNode.topList("picture")).put("totalResults", 0L);
            assertThat(xml(top("picture_get_response", body))).endsWith(
                    "<picture_get_response><pictures list=\"true\"></pictures><totalResults>0</totalResults></picture_get_response>");
        }

        @Test
        void errorResponse() throws Exception {
            ObjectNode err = ObjectNode.object().put("code", 50L).put("msg", "Remote service error")
                    .put("sub_code", "isv.invalid-parameter").put("sub_msg", "非法参数");
            byte[] out = XmlTreeWriter.write(top("error_response", err));
            assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(
                    "<?xml version=\"1.0\" encoding=\"utf-8\" ?><error_response><code>50</code><msg>Remote service error</msg>"
                            + "<sub_code>isv.invalid-parameter</sub_code><sub_msg>非法参数</sub_msg></error_response>");
            assertThat(parseXml(out).getElementsByTagName("sub_msg").item(0).getTextContent()).isEqualTo("非法参数");
        }

        @Test
        void flatRepeatsTheFieldAndWrappedNestsItems() throws Exception {
            ObjectNode body = ObjectNode.object().put("RequestId", "R")
                    .put("ImageInfo", ListNode.flat().add(ObjectNode.object().put("ImageId", "x")).add(ObjectNode.object().put("ImageId", "y")))
                    .put("NonExistImageIds", ListNode.wrapped("ImageId").add("a").add("b"))
                    .put("EmptyFlat", ListNode.flat())
                    .put("EmptyWrapped", ListNode.wrapped("Item"));
            byte[] out = XmlTreeWriter.write(vod("GetImageInfosResponse", body));
            assertThat(new String(out, StandardCharsets.UTF_8)).isEqualTo(
                    "<?xml version=\"1.0\" encoding=\"utf-8\" ?><GetImageInfosResponse><RequestId>R</RequestId>"
                            + "<ImageInfo><ImageId>x</ImageId></ImageInfo><ImageInfo><ImageId>y</ImageId></ImageInfo>"
                            + "<NonExistImageIds><ImageId>a</ImageId><ImageId>b</ImageId></NonExistImageIds>"
                            + "<EmptyWrapped></EmptyWrapped></GetImageInfosResponse>");
            assertThat(parseXml(out).getElementsByTagName("ImageInfo").getLength()).isEqualTo(2);
        }

        @Test
        void scalarsUseScalarText() {
            ObjectNode body = ObjectNode.object().put("id", BIG_ID).put("ok", true)
                    .put("opacity", Scalar.of(0.8)).put("whole", Scalar.of(3.0));
            assertThat(xml(top("r", body))).endsWith(
                    "<r><id>1088407221979850343</id><ok>true</ok><opacity>0.8</opacity><whole>3</whole></r>");
        }

        @Test
        void escapingRoundTripsThroughDom() throws Exception {
            String tricky = "标题 <&>\" ' ]]> a\r\nb\tc 😀";
            ObjectNode body = ObjectNode.object().put("title", tricky);
            byte[] out = XmlTreeWriter.write(top("picture_update_response", body));
            String text = new String(out, StandardCharsets.UTF_8);
            assertThat(text).contains("&lt;&amp;&gt;&quot;").contains("标题").doesNotContain("]]>");
            assertThat(parseXml(out).getElementsByTagName("title").item(0).getTextContent()).isEqualTo(tricky);
        }

        @Test
        void charactersXmlCannotCarryAreReplaced() throws Exception {
            ObjectNode body = ObjectNode.object().put("t", "a\u0000b\u0001c\uD800d\uFFFEe\u000Bf");
            byte[] out = XmlTreeWriter.write(top("r", body));
            assertThat(parseXml(out).getElementsByTagName("t").item(0).getTextContent())
                    .isEqualTo("a\uFFFDb\uFFFDc\uFFFDd\uFFFDe\uFFFDf");
        }

        @Test
        void nestedObjects() throws Exception {
            ObjectNode body = ObjectNode.object().put("ImageInfo", ObjectNode.object()
                    .put("Mezzanine", ObjectNode.object().put("FileSize", 558L).put("Width", 24)));
            byte[] out = XmlTreeWriter.write(vod("GetImageInfoResponse", body));
            assertThat(new String(out, StandardCharsets.UTF_8)).endsWith(
                    "<GetImageInfoResponse><ImageInfo><Mezzanine><FileSize>558</FileSize><Width>24</Width></Mezzanine>"
                            + "</ImageInfo></GetImageInfoResponse>");
            NodeList sizes = parseXml(out).getElementsByTagName("FileSize");
            assertThat(sizes.item(0).getTextContent()).isEqualTo("558");
        }

        @Test
        void outputIsUtf8Bytes() {
            byte[] out = XmlTreeWriter.write(top("r", ObjectNode.object().put("t", "图")));
            assertThat(out).containsSequence("图".getBytes(StandardCharsets.UTF_8));
        }

        @Test
        void badElementNameIsAProgrammingError() {
            assertThatThrownBy(() -> XmlTreeWriter.write(top("r", ObjectNode.object().put("a b", "x"))))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
