package dev.picspace.topclient;

import com.taobao.api.BaseTaobaoRequest;
import com.taobao.api.FileItem;
import com.taobao.api.TaobaoResponse;
import com.taobao.api.TaobaoUploadRequest;
import com.taobao.api.internal.util.TaobaoHashMap;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A {@code taobao.picture.*} request for the real TOP client: method name, text parameters
 * (TaobaoHashMap drops blank values as the SDK does), optional file parameters (then the client
 * sends multipart), and the response class the client parses into.
 */
public final class PictureRequest<T extends TaobaoResponse> extends BaseTaobaoRequest<T> implements TaobaoUploadRequest<T> {
    private final String method;
    private final Class<T> responseClass;
    private final TaobaoHashMap text = new TaobaoHashMap();
    private final Map<String, FileItem> files = new LinkedHashMap<>();

    public PictureRequest(String method, Class<T> responseClass) {
        this.method = method;
        this.responseClass = responseClass;
    }

    public PictureRequest<T> param(String name, Object value) {
        text.put(name, value == null ? null : value.toString());
        return this;
    }

    public PictureRequest<T> file(String name, String fileName, byte[] bytes) {
        files.put(name, new FileItem(fileName, bytes));
        return this;
    }

    @Override public String getApiMethodName() { return method; }
    @Override public Map<String, String> getTextParams() {
        TaobaoHashMap m = new TaobaoHashMap();
        m.putAll(text);
        if (udfParams != null) m.putAll(udfParams);
        return m;
    }
    @Override public Map<String, FileItem> getFileParams() { return files; }
    @Override public Class<T> getResponseClass() { return responseClass; }
    @Override public void check() { }
}
