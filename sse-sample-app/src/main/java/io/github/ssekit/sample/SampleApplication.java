package io.github.ssekit.sample;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * The ssekit sample application.
 *
 * @author ssekit
 */
@SpringBootApplication
public class SampleApplication {

	/**
	 * Run the sample.
	 * @param args the command line arguments
	 */
	public static void main(String[] args) {
		SpringApplication.run(SampleApplication.class, args);
	}

}
