package dev.picspace.domain;

/** What a Taobao Open Platform caller signs with: app key and secret, plus the seller session. */
public record TopCredentials(long tenantId, String appKey, String appSecret, String session) {}
