package dev.picspace.topclient;

import com.taobao.api.TaobaoObject;
import com.taobao.api.internal.mapping.ApiField;

import java.util.Date;

/** com.taobao.api.domain.PictureCategory (top.md §6.2), written for tests. */
public class PictureCategory extends TaobaoObject {
    @ApiField("picture_category_id") private Long pictureCategoryId;
    @ApiField("picture_category_name") private String pictureCategoryName;
    @ApiField("type") private String type;
    @ApiField("parent_id") private Long parentId;
    @ApiField("position") private Long position;
    @ApiField("total") private Long total;
    @ApiField("created") private Date created;
    @ApiField("modified") private Date modified;

    public Long getPictureCategoryId() { return pictureCategoryId; }
    public void setPictureCategoryId(Long v) { pictureCategoryId = v; }
    public String getPictureCategoryName() { return pictureCategoryName; }
    public void setPictureCategoryName(String v) { pictureCategoryName = v; }
    public String getType() { return type; }
    public void setType(String v) { type = v; }
    public Long getParentId() { return parentId; }
    public void setParentId(Long v) { parentId = v; }
    public Long getPosition() { return position; }
    public void setPosition(Long v) { position = v; }
    public Long getTotal() { return total; }
    public void setTotal(Long v) { total = v; }
    public Date getCreated() { return created; }
    public void setCreated(Date v) { created = v; }
    public Date getModified() { return modified; }
    public void setModified(Date v) { modified = v; }
}
