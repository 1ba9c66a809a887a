package dev.picspace.topclient;

import com.taobao.api.TaobaoObject;
import com.taobao.api.internal.mapping.ApiField;

/** com.taobao.api.domain.UserInfo (seed 004), written for tests. */
public class UserInfo extends TaobaoObject {
    @ApiField("order_space") private String orderSpace;
    @ApiField("used_space") private String usedSpace;
    @ApiField("remaining_space") private String remainingSpace;
    @ApiField("available_space") private String availableSpace;
    @ApiField("free_space") private String freeSpace;
    @ApiField("order_expiry_date") private String orderExpiryDate;
    @ApiField("water_mark") private String waterMark;

    public String getOrderSpace() { return orderSpace; }
    public void setOrderSpace(String v) { orderSpace = v; }
    public String getUsedSpace() { return usedSpace; }
    public void setUsedSpace(String v) { usedSpace = v; }
    public String getRemainingSpace() { return remainingSpace; }
    public void setRemainingSpace(String v) { remainingSpace = v; }
    public String getAvailableSpace() { return availableSpace; }
    public void setAvailableSpace(String v) { availableSpace = v; }
    public String getFreeSpace() { return freeSpace; }
    public void setFreeSpace(String v) { freeSpace = v; }
    public String getOrderExpiryDate() { return orderExpiryDate; }
    public void setOrderExpiryDate(String v) { orderExpiryDate = v; }
    public String getWaterMark() { return waterMark; }
    public void setWaterMark(String v) { waterMark = v; }
}
