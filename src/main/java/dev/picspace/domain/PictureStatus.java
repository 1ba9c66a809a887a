package dev.picspace.domain;

/** Upload life cycle; VOD shows it as Uploading / Normal / UploadFail, TOP shows normal pictures as "0". */
public enum PictureStatus { UPLOADING, NORMAL, UPLOAD_FAIL }
