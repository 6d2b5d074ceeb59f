package io.vermilion.node; public final class Main { public static void main(String[] a) { System.out.println("vermilion"); } }
