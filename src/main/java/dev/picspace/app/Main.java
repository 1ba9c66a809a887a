package dev.picspace.app;
public class Main { public static void main(String[] a) { } }
