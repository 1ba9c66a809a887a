package dev.picspace.gateway.oss;

import dev.picspace.domain.BlobStore;
import dev.picspace.domain.Exceptions;
import dev.picspace.domain.MetadataStore;
import dev.picspace.domain.ObjectUploads;
import dev.picspace.domain.PicspaceException;
import dev.picspace.domain.Picture;
import dev.picspace.domain.PictureSpace;
import dev.picspace.domain.PictureStatus;
import dev.picspace.domain.TemporaryCredentials;
import dev.picspace.domain.Tenant;
import dev.picspace.gateway.GatewayMetrics;
import dev.picspace.gateway.MediaUrls;
import dev.picspace.gateway.RequestIds;
import dev.picspace.gateway.http.RequestParameters;
import dev.picspace.gateway.serve.BlobBody;
import dev.picspace.gateway.serve.ContentResponder;
import dev.picspace.gateway.sign.OssV1Signature;
import dev.picspace.gateway.tree.Document;
import dev.picspace.gateway.tree.ListNode;
import dev.picspace.gateway.tree.ObjectNode;
import dev.picspace.gateway.tree.XmlTreeWriter;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.zip.CheckedInputStream;

/**
 * The OSS-compatible object endpoint that VOD's UploadAddress points at (vod.md §3.1, §3.8, §4.4):
 * path-style {@code /<bucket>/<key>} (what the OSS SDK uses for an IP or localhost endpoint), and
 * virtual-host style ({@code Host: <bucket>.<host>}, path {@code /image/…}) for a hostname endpoint.
 * The objects are pictures: key {@code image/<type>/<ImageId>.<ext>} ({@link MediaUrls#objectKey}).
 *
 * <p>Operations (OSS API reference): PutObject (Content-Length or chunked body), GetObject and
 * HeadObject (ranges, ETag, Last-Modified, conditionals, 304 — {@link ContentResponder}), the
 * multipart upload (InitiateMultipartUpload, UploadPart, CompleteMultipartUpload,
 * AbortMultipartUpload, ListParts), GetObjectMeta ({@code HEAD ?objectMeta}). {@code x-oss-process}
 * goes to the {@link ObjectProcessor} seam. Everything else (bucket operations, DeleteObject,
 * CopyObject, ACLs, tagging, …) is 501 NotImplemented.
 *
 * <p>Who may do what ({@link OssAuthentication} says who is asking):
 * <ul>
 *   <li>an upload credential (STS token of scope OSS_OBJECT, CreateUploadImage's UploadAuth):
 *       write and read exactly its object key, nothing else;</li>
 *   <li>the tenant's VOD AccessKey, or a VOD_API token: read and write the tenant's objects;</li>
 *   <li>no credentials: GET/HEAD of a Normal picture of a tenant whose URLs are not signed
 *       (public-read, like the {@code /i/} URLs); a signed-URL tenant's objects need a signature;
 *       writes always need credentials;</li>
 *   <li>another tenant's object: 403 AccessDenied, whatever the credential.</li>
 * </ul>
 * Objects exist only as pictures: a key naming no picture, or a recycled one, is 404 NoSuchKey for
 * reads and writes alike (an object is created by CreateUploadImage, not by PutObject); a picture
 * still Uploading (or UploadFail) has no object to read yet (404).
 *
 * <p>Bytes: PutObject and CompleteMultipartUpload end in {@link PictureSpace#completeUpload}: the
 * picture turns Normal, or UploadFail with nothing charged when the bytes are refused. Bodies are
 * streamed and bounded by the image byte limit, never buffered whole. Answers carry
 * {@code ETag: "<MD5 upper hex>"} (for multipart objects too: the MD5 of the whole object, unlike
 * OSS's {@code "…-N"}, so that Complete, GET and HEAD agree) and {@code x-oss-hash-crc64ecma}.
 *
 * <p>Errors are OSS XML ({@code <Error><Code/><Message/><RequestId/><HostId/>…</Error>},
 * {@code application/xml}; for HEAD, which has no body, also Base64 in {@code x-oss-err}, where
 * the OSS SDK looks), with OSS's codes and statuses; picspace's own: over the quota is
 * 403 QuotaExceeded, bytes that are not an accepted image 400 InvalidArgument, over a limit
 * (bytes, width, height, pixels, frames) 400 EntityTooLarge. Never a stack trace.
 *
 * <p>Blocking (JDBC, body reads): mount it behind {@code BlockingHandlerAdapter}.
 */
public final class OssGateway extends Handler.Abstract {
    private static final Logger log = LoggerFactory.getLogger(OssGateway.class);

    /** Query parameters of the signed-sub-resource kind that this endpoint understands; any other one is 501. */
    private static final Set<String> SUPPORTED_SUBRESOURCES = Set.of("uploads", "uploadId", "partNumber", "security-token",
            "x-oss-process", "objectMeta", "response-content-disposition", "response-cache-control", "response-expires");
    /** Signature parameters: each may occur once. */
    private static final Set<String> SIGNATURE_PARAMETERS = Set.of("OSSAccessKeyId", "Expires", "Signature", "security-token");
    /** ListParts: OSS's default and largest page. */
    static final int MAX_PARTS_PER_PAGE = 1000;
    /** Largest error document sent Base64 in {@code x-oss-err} with its extra elements. */
    private static final int MAX_ERROR_HEADER_XML = 2048;
    /** Request attribute: the body has been asked for (so a "100 Continue" may have gone out). */
    private static final String BODY_OPENED = OssGateway.class.getName() + ".bodyOpened";
    private static final DateTimeFormatter ISO8601_MILLIS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private final PictureSpace space;
    private final ObjectUploads uploads;
    private final MetadataStore metadata;
    private final BlobStore blobs;
    private final OssAuthentication authentication;
    private final String bucket;
    private final ObjectProcessor processor;
    private final GatewayMetrics metrics;

    /**
     * @param bucket    the one bucket name picspace answers to ({@code Settings.ossBucket()})
     * @param processor the x-oss-process seam; null answers such requests 501 NotImplemented
     * @param metrics   uploaded-bytes meter; may be null
     */
    public OssGateway(PictureSpace space, ObjectUploads uploads, TemporaryCredentials sts, String bucket, Clock clock,
                      ObjectProcessor processor, GatewayMetrics metrics) {
        this.space = Objects.requireNonNull(space);
        this.uploads = Objects.requireNonNull(uploads);
        this.metadata = space.metadata();
        this.blobs = space.blobs();
        this.authentication = new OssAuthentication(metadata, sts, clock);
        this.bucket = Objects.requireNonNull(bucket);
        this.processor = processor;
        this.metrics = metrics;
    }

    /** The request's target: the object key, decoded ("" for the bucket itself). */
    private record Target(String key) {}

    private Target target(Request request) {
        String path = Request.getPathInContext(request);
        if (path == null) return null;
        String prefix = "/" + bucket;
        if (path.equals(prefix) || path.equals(prefix + "/")) return new Target("");
        if (path.startsWith(prefix + "/")) return new Target(path.substring(prefix.length() + 1));
        // Virtual-host style: only for the keys picspace issues, so that no path of its own
        // (/router/rest, /healthz, /i/…) is ever taken for an object, whatever the Host says.
        String host = request.getHttpURI().getHost();
        if (host != null && host.toLowerCase(Locale.ROOT).startsWith(bucket + ".") && path.startsWith("/image/"))
            return new Target(path.substring(1));
        return null;
    }

    private enum Operation { PUT_OBJECT, UPLOAD_PART, INITIATE, COMPLETE, ABORT, LIST_PARTS, GET, HEAD }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Target target = target(request);
        if (target == null) return false;
        String requestId = RequestIds.oss();
        MDC.put("request_id", requestId);
        long started = System.nanoTime();
        response.getHeaders().put("x-oss-request-id", requestId);
        Operation op = null;
        try {
            Map<String, String> query = query(request);
            op = operation(request, target, query);
            serve(op, request, response, callback, target.key(), query, requestId);
            if (op != Operation.GET && op != Operation.HEAD)
                log.info("oss {} {} {}ms", op, response.getStatus(), (System.nanoTime() - started) / 100_000 / 10.0);
        } catch (RuntimeException e) {
            OssErrorException err = errorFor(e);
            // Let the client finish sending and read the answer instead of a reset (bounded). Not
            // when it is waiting for "100 Continue" and nothing has asked for the body yet: reading
            // now would invite the very body the answer refuses (RFC 9110 §10.1.1).
            boolean waiting = request.getAttribute(BODY_OPENED) == null
                    && "100-continue".equalsIgnoreCase(request.getHeaders().get(HttpHeader.EXPECT));
            if ((HttpMethod.PUT.is(request.getMethod()) || HttpMethod.POST.is(request.getMethod())) && !waiting)
                RequestParameters.discardBody(request, 4 * space.limits().maxBytes());
            log.info("oss {} {} {} {}ms: {}", op == null ? request.getMethod() : op, err.status(), err.code(),
                    (System.nanoTime() - started) / 100_000 / 10.0, err.getMessage());
            sendError(request, response, callback, err, requestId);
        } finally {
            MDC.remove("request_id");
        }
        return true;
    }

    /** Decoded query parameters, the first value of each name; a signature parameter given twice is refused. */
    private static Map<String, String> query(Request request) {
        Fields fields;
        try {
            fields = Request.extractQueryParameters(request, java.nio.charset.StandardCharsets.UTF_8);
        } catch (RuntimeException malformed) {
            throw OssErrorException.invalidArgument("The query string is not valid percent-encoded UTF-8.");
        }
        Map<String, String> q = new LinkedHashMap<>();
        for (Fields.Field f : fields) {
            if (f.getValues().size() > 1 && SIGNATURE_PARAMETERS.contains(f.getName()))
                throw OssErrorException.invalidArgument("The parameter " + f.getName() + " is given more than once.");
            q.put(f.getName(), f.getValue() == null ? "" : f.getValue());
        }
        return q;
    }

    private static Operation operation(Request request, Target target, Map<String, String> q) {
        String method = request.getMethod();
        if (target.key().isEmpty())
            throw OssErrorException.notImplemented("Bucket operations are not offered by picspace's OSS endpoint.");
        for (String name : q.keySet())
            if (OssV1Signature.SIGNED_SUBRESOURCES.contains(name) && !SUPPORTED_SUBRESOURCES.contains(name))
                throw OssErrorException.notImplemented("The sub-resource '" + name + "' is not supported by picspace's OSS "
                        + "endpoint (PutObject, GetObject, HeadObject and multipart upload are).");
        boolean uploadId = q.containsKey("uploadId");
        return switch (method) {
            case "PUT" -> {
                if (request.getHeaders().contains("x-oss-copy-source"))
                    throw OssErrorException.notImplemented("CopyObject and UploadPartCopy are not supported.");
                if (uploadId || q.containsKey("partNumber")) yield Operation.UPLOAD_PART;
                yield Operation.PUT_OBJECT;
            }
            case "POST" -> {
                if (q.containsKey("uploads")) yield Operation.INITIATE;
                if (uploadId) yield Operation.COMPLETE;
                throw OssErrorException.notImplemented("Only InitiateMultipartUpload (?uploads) and CompleteMultipartUpload "
                        + "(?uploadId=) are POSTs here.");
            }
            case "GET" -> uploadId ? Operation.LIST_PARTS : Operation.GET;
            case "HEAD" -> Operation.HEAD;
            case "DELETE" -> {
                if (uploadId) yield Operation.ABORT;
                throw OssErrorException.notImplemented("DeleteObject is not offered: delete the image with VOD DeleteImage.");
            }
            default -> throw new OssErrorException(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
        };
    }

    private void serve(Operation op, Request request, Response response, Callback callback, String key,
                       Map<String, String> query, String requestId) {
        OssAuthentication.Principal who = authentication.authenticate(request, bucket, key, query);
        boolean write = op != Operation.GET && op != Operation.HEAD;
        Picture picture = authorize(who, key, write);
        switch (op) {
            case PUT_OBJECT -> putObject(request, response, callback, picture);
            case UPLOAD_PART -> uploadPart(request, response, callback, picture, key, query);
            case INITIATE -> initiate(request, response, callback, picture, key);
            case COMPLETE -> complete(request, response, callback, picture, key, query);
            case ABORT -> {
                uploads.abort(picture.tenantId(), query.get("uploadId"), key);
                response.setStatus(HttpStatus.NO_CONTENT_204);
                callback.succeeded();
            }
            case LIST_PARTS -> listParts(response, callback, picture, key, query);
            case GET, HEAD -> read(request, response, callback, picture, query, requestId);
        }
    }

    /**
     * The picture {@code key} names, if {@code who} may reach it. Order: credentials first (the
     * caller has checked them), then the key's scope, then existence, then the tenant.
     */
    private Picture authorize(OssAuthentication.Principal who, String key, boolean write) {
        if (who.kind() == OssAuthentication.Kind.ANONYMOUS && write)
            throw OssErrorException.accessDenied("Anonymous access is forbidden for this operation: sign the request.");
        if (who.kind() == OssAuthentication.Kind.OBJECT && !key.equals(who.objectKey()))
            throw OssErrorException.accessDenied("The security token you provided only allows access to the object "
                    + who.objectKey() + ".");
        Picture p = MediaUrls.imageIdOf(key).flatMap(metadata::findPictureByImageId).orElse(null);
        // The object's name is the one MediaUrls gives it; an upload credential's key names it too
        // (the extension announced at CreateUploadImage, which the bytes may since have changed).
        boolean named = p != null && (who.kind() == OssAuthentication.Kind.OBJECT
                || (p.format() != null && key.equals(MediaUrls.objectKey(p))));
        if (!named || p.deleted()) throw OssErrorException.noSuchKey("The specified key does not exist.");
        switch (who.kind()) {
            case ANONYMOUS -> {
                Tenant t = space.tenant(p.tenantId());
                if (t.signedUrls())
                    throw OssErrorException.accessDenied("You have no right to access this object: its URLs must be signed.");
            }
            case TENANT, OBJECT -> {
                if (p.tenantId() != who.tenantId())
                    throw OssErrorException.accessDenied("You have no right to access this object: it belongs to another library.");
            }
        }
        return p;
    }

    // ---------------------------------------------------------------- writes

    private void putObject(Request request, Response response, Callback callback, Picture picture) {
        if ("true".equalsIgnoreCase(request.getHeaders().get("x-oss-forbid-overwrite")) && picture.status() == PictureStatus.NORMAL)
            throw new OssErrorException(409, "FileAlreadyExists", "The object you specified already exists and can not be overwritten.");
        ObjectBody body = new ObjectBody(openBody(request), contentMd5(request));
        Picture done = uploads.put(picture.tenantId(), picture.pictureId(), body, request.getLength());
        if (metrics != null) metrics.uploaded(done.sizeBytes());
        sendWritten(response, callback, done.md5(), body.crc().headerValue());
    }

    private void uploadPart(Request request, Response response, Callback callback, Picture picture, String key,
                            Map<String, String> query) {
        int partNumber;
        try {
            partNumber = Integer.parseInt(query.getOrDefault("partNumber", ""));
        } catch (NumberFormatException e) {
            throw OssErrorException.invalidArgument("partNumber must be a whole number from 1 to " + ObjectUploads.MAX_PART_NUMBER + ".");
        }
        ObjectBody body = new ObjectBody(openBody(request), contentMd5(request));
        MetadataStore.MultipartPart part = uploads.uploadPart(picture.tenantId(), query.get("uploadId"), key, partNumber,
                body, request.getLength());
        sendWritten(response, callback, part.md5(), body.crc().headerValue());
    }

    /** 200 with the ETag OSS gives (quoted upper-case MD5 hex), Content-MD5 and the CRC-64. */
    private static void sendWritten(Response response, Callback callback, String md5Hex, String crc64) {
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.ETAG, etag(md5Hex));
        response.getHeaders().put(HttpHeader.CONTENT_MD5, Base64.getEncoder().encodeToString(java.util.HexFormat.of().parseHex(md5Hex)));
        response.getHeaders().put("x-oss-hash-crc64ecma", crc64);
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
        callback.succeeded();
    }

    private void initiate(Request request, Response response, Callback callback, Picture picture, String key) {
        request.setAttribute(BODY_OPENED, Boolean.TRUE);
        RequestParameters.discardBody(request, CompleteMultipartUploadXml.MAX_BODY_BYTES);
        MetadataStore.MultipartUpload u = uploads.initiate(picture.tenantId(), picture.pictureId(), key);
        sendXml(response, callback, "InitiateMultipartUploadResult",
                ObjectNode.object().put("Bucket", bucket).put("Key", key).put("UploadId", u.uploadId()));
    }

    private void complete(Request request, Response response, Callback callback, Picture picture, String key,
                          Map<String, String> query) {
        byte[] xml = readSmallBody(request, CompleteMultipartUploadXml.MAX_BODY_BYTES);
        List<ObjectUploads.PartRef> parts;
        if ("yes".equalsIgnoreCase(request.getHeaders().get("x-oss-complete-all"))) {
            if (xml.length > 0) throw OssErrorException.invalidArgument("With x-oss-complete-all: yes the body must be empty.");
            parts = null;
        } else {
            parts = CompleteMultipartUploadXml.parse(xml);
        }
        Crc64 crc = new Crc64();
        Picture done = uploads.complete(picture.tenantId(), query.get("uploadId"), key, parts, in -> new CheckedInputStream(in, crc));
        if (metrics != null) metrics.uploaded(done.sizeBytes());
        response.getHeaders().put(HttpHeader.ETAG, etag(done.md5()));
        response.getHeaders().put("x-oss-hash-crc64ecma", crc.headerValue());
        String scheme = request.getHttpURI().getScheme() == null ? "http" : request.getHttpURI().getScheme();
        String authority = request.getHeaders().get(HttpHeader.HOST);
        sendXml(response, callback, "CompleteMultipartUploadResult", ObjectNode.object()
                .put("Location", scheme + "://" + (authority == null ? "localhost" : authority) + "/" + bucket + "/" + key)
                .put("Bucket", bucket).put("Key", key).put("ETag", etag(done.md5())));
    }

    private void listParts(Response response, Callback callback, Picture picture, String key, Map<String, String> query) {
        int max = boundedInt(query.get("max-parts"), "max-parts", MAX_PARTS_PER_PAGE, 1, MAX_PARTS_PER_PAGE);
        int marker = boundedInt(query.get("part-number-marker"), "part-number-marker", 0, 0, ObjectUploads.MAX_PART_NUMBER);
        List<MetadataStore.MultipartPart> after = uploads.parts(picture.tenantId(), query.get("uploadId"), key).stream()
                .filter(p -> p.partNumber() > marker).toList();
        List<MetadataStore.MultipartPart> page = after.subList(0, Math.min(max, after.size()));
        boolean truncated = after.size() > page.size();
        ListNode list = ListNode.flat();
        for (MetadataStore.MultipartPart p : page)
            list.add(ObjectNode.object().put("PartNumber", (long) p.partNumber())
                    .put("LastModified", ISO8601_MILLIS.format(p.modified())).put("ETag", etag(p.md5()))
                    .put("Size", p.sizeBytes()));
        sendXml(response, callback, "ListPartsResult", ObjectNode.object()
                .put("Bucket", bucket).put("Key", key).put("UploadId", query.get("uploadId"))
                .put("StorageClass", "Standard")
                .put("PartNumberMarker", (long) marker)
                .put("NextPartNumberMarker", page.isEmpty() ? (long) marker : (long) page.get(page.size() - 1).partNumber())
                .put("MaxParts", (long) max).put("IsTruncated", truncated)
                .put("Part", list));
    }

    // ---------------------------------------------------------------- reads

    private void read(Request request, Response response, Callback callback, Picture picture, Map<String, String> query,
                      String requestId) {
        if (picture.status() != PictureStatus.NORMAL || picture.blobKey() == null)
            throw OssErrorException.noSuchKey("The specified key does not exist (the image has not been uploaded).");
        ContentResponder.ErrorAnswer errors = (rq, rs, cb, status, reason) -> sendError(rq, rs, cb, statusError(status, reason), requestId);
        if (query.containsKey("x-oss-process")) {
            if (processor == null)
                throw OssErrorException.notImplemented("x-oss-process (OSS image processing) is not available on this server yet.");
            processor.respond(picture, query.get("x-oss-process"), request, response, callback, errors);
            return;
        }
        String cacheControl = query.get("response-cache-control");
        if (query.containsKey("response-content-disposition"))
            response.getHeaders().put(HttpHeader.CONTENT_DISPOSITION, query.get("response-content-disposition"));
        if (query.containsKey("response-expires")) response.getHeaders().put(HttpHeader.EXPIRES, query.get("response-expires"));
        response.getHeaders().put("x-oss-object-type", "Normal");
        response.getHeaders().put("x-oss-storage-class", "Standard");
        ContentResponder.Representation rep = new ContentResponder.Representation(
                picture.md5().toUpperCase(Locale.ROOT),   // OSS's ETag: the MD5, what PutObject answered
                picture.sizeBytes(), picture.modified(),
                picture.format().mediaType(),             // from the bytes, never from the key or a header
                cacheControl == null || cacheControl.isBlank() ? null : cacheControl,
                new BlobBody(blobs, picture.blobKey()));
        ContentResponder.respond(BareEntityTags.quoted(request), response, callback, rep, errors);
    }

    private static OssErrorException statusError(int status, String reason) {
        return switch (status) {
            case HttpStatus.PRECONDITION_FAILED_412 -> new OssErrorException(412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold.");
            case HttpStatus.RANGE_NOT_SATISFIABLE_416 -> new OssErrorException(416, "InvalidRange", "The requested range cannot be satisfied.");
            case HttpStatus.METHOD_NOT_ALLOWED_405 -> new OssErrorException(405, "MethodNotAllowed", "The specified method is not allowed against this resource.");
            default -> new OssErrorException(status, status >= 500 ? "InternalError" : "InvalidRequest", reason);
        };
    }

    // ---------------------------------------------------------------- helpers

    private static String etag(String md5Hex) { return '"' + md5Hex.toUpperCase(Locale.ROOT) + '"'; }

    /** The 16 bytes of a Content-MD5 header (RFC 1864: Base64 of the MD5), or null when none was sent. */
    private static byte[] contentMd5(Request request) {
        String v = request.getHeaders().get(HttpHeader.CONTENT_MD5);
        if (v == null) return null;
        try {
            byte[] md5 = Base64.getDecoder().decode(v.strip());
            if (md5.length == 16) return md5;
        } catch (IllegalArgumentException notBase64) {
            // fall through
        }
        throw new OssErrorException(400, "InvalidDigest", "The Content-MD5 you specified was invalid.");
    }

    private static InputStream openBody(Request request) {
        request.setAttribute(BODY_OPENED, Boolean.TRUE);
        return Request.asInputStream(request);
    }

    /** A body that must be small (the Complete part list): read whole, refused past {@code max}. */
    private static byte[] readSmallBody(Request request, int max) {
        if (request.getLength() > max) throw new OssErrorException(400, "MalformedXML", "The part list is larger than " + max + " bytes.");
        try (InputStream in = openBody(request)) {
            byte[] bytes = in.readNBytes(max + 1);
            if (bytes.length > max) throw new OssErrorException(400, "MalformedXML", "The part list is larger than " + max + " bytes.");
            return bytes;
        } catch (IOException e) {
            throw new ObjectBody.RequestBodyUnreadableException("the request body ended before it was complete: " + e, e);
        }
    }

    private static int boundedInt(String value, String name, int absent, int min, int max) {
        if (value == null || value.isEmpty()) return absent;
        try {
            int n = Integer.parseInt(value);
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException e) {
            // fall through
        }
        throw OssErrorException.invalidArgument(name + " must be a whole number from " + min + " to " + max + ".");
    }

    private static void sendXml(Response response, Callback callback, String root, ObjectNode body) {
        byte[] bytes = XmlTreeWriter.write(new Document(root, body, false));
        response.setStatus(HttpStatus.OK_200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml");
        response.write(true, ByteBuffer.wrap(bytes), callback);
    }

    /** What a failure is called in OSS's terms; unexpected ones are logged with their trace, never sent. */
    private static OssErrorException errorFor(RuntimeException e) {
        if (e instanceof OssErrorException oss) return oss;
        if (e instanceof Exceptions.PictureNotFoundException) return OssErrorException.noSuchKey("The specified key does not exist.");
        if (e instanceof Exceptions.TenantNotFoundException) return OssErrorException.accessDenied("The library of these credentials does not exist.");
        if (e instanceof Exceptions.QuotaExceededException)
            return new OssErrorException(403, "QuotaExceeded", "The image does not fit in the library's space: " + e.getMessage());
        if (e instanceof Exceptions.ImageLimitExceededException)
            return new OssErrorException(400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed object size: " + e.getMessage());
        if (e instanceof Exceptions.InvalidImageException)
            return OssErrorException.invalidArgument("The object is not an image picspace accepts (JPEG, PNG, GIF, WebP, BMP): " + e.getMessage());
        if (e instanceof Exceptions.InvalidArgumentException) return OssErrorException.invalidArgument(e.getMessage());
        if (e instanceof ObjectUploads.NoSuchUploadException)
            return new OssErrorException(404, "NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, "
                    + "or the upload may have been aborted or completed.");
        if (e instanceof ObjectUploads.InvalidPartException)
            return new OssErrorException(400, "InvalidPart", "One or more of the specified parts could not be found or the "
                    + "specified entity tag might not have matched the part's entity tag: " + e.getMessage());
        if (e instanceof ObjectUploads.InvalidPartOrderException)
            return new OssErrorException(400, "InvalidPartOrder", "The list of parts was not in ascending order: " + e.getMessage());
        if (e instanceof ObjectUploads.PartTooSmallException)
            return new OssErrorException(400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed size: " + e.getMessage());
        if (e instanceof ObjectBody.ContentMd5MismatchException) return new OssErrorException(400, "InvalidDigest", e.getMessage());
        if (e instanceof ObjectBody.RequestBodyUnreadableException)
            return new OssErrorException(400, "IncompleteBody", "You did not send the whole body: " + e.getMessage());
        if (e instanceof Exceptions.StorageException) log.error("storage failure", e);
        else if (!(e instanceof PicspaceException)) log.error("unexpected failure", e);
        else log.warn("unmapped domain failure: {}", e.toString());
        return new OssErrorException(500, "InternalError", "We encountered an internal error. Please try again.");
    }

    /**
     * Writes an OSS error. Header fields already set (x-oss-request-id, a 416's Content-Range) are
     * kept. HEAD gets no body (RFC 9110 §9.3.2) but the same XML in {@code x-oss-err}, Base64, which
     * the OSS SDK decodes for HEAD errors.
     */
    private void sendError(Request request, Response response, Callback callback, OssErrorException e, String requestId) {
        if (response.isCommitted()) {
            callback.failed(e);
            return;
        }
        ObjectNode body = ObjectNode.object().put("Code", e.code()).put("Message", e.getMessage())
                .put("RequestId", requestId).put("HostId", hostId(request));
        e.extra().forEach(body::put);
        byte[] bytes = XmlTreeWriter.write(new Document("Error", body, false));
        response.setStatus(e.status());
        response.getHeaders().put("x-oss-request-id", requestId);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/xml");
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        if (HttpMethod.HEAD.is(request.getMethod())) {
            // a header, so kept well inside Jetty's 8 KiB response header buffer: a long
            // StringToSign (and its byte dump) is left out there; a GET shows it
            if (bytes.length > MAX_ERROR_HEADER_XML)
                bytes = XmlTreeWriter.write(new Document("Error", ObjectNode.object().put("Code", e.code())
                        .put("Message", e.getMessage()).put("RequestId", requestId).put("HostId", hostId(request)), false));
            response.getHeaders().put("x-oss-err", Base64.getEncoder().encodeToString(bytes));
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, 0);
            callback.succeeded();
        } else {
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, bytes.length);
            response.write(true, ByteBuffer.wrap(bytes), callback);
        }
    }

    /** OSS's HostId is the bucket's host; here the authority the client used, with the bucket for path style. */
    private String hostId(Request request) {
        String host = request.getHeaders().get(HttpHeader.HOST);
        if (host == null || host.isBlank()) return bucket;
        return host.toLowerCase(Locale.ROOT).startsWith(bucket + ".") ? host : bucket + "." + host;
    }
}
