package dev.lifeboat.cli;

public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        System.out.println("lifeboat: under construction");
    }
}
